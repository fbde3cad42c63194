package route53

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/route53/rrsets"
)

// changeBatch is the one batch a change sends: a DELETE of every old
// record set exactly as it was read (the precondition: Route 53 refuses
// the whole batch when one does not match), then a CREATE of each new one.
// It is pure.
func changeBatch(comment string, old, next []types.ResourceRecordSet) *types.ChangeBatch {
	b := &types.ChangeBatch{Changes: make([]types.Change, 0, len(old)+len(next))}
	if comment != "" {
		b.Comment = aws.String(comment)
	}
	for i := range old {
		b.Changes = append(b.Changes, types.Change{Action: types.ChangeActionDelete, ResourceRecordSet: &old[i]})
	}
	for i := range next {
		b.Changes = append(b.Changes, types.Change{Action: types.ChangeActionCreate, ResourceRecordSet: &next[i]})
	}
	return b
}

// comment describes a change in the batch's Comment, which Route 53 keeps
// with the change (GetChange) for whoever audits the zone later.
func comment(name, rrtype string, next *dns.RecordSet) string {
	if next == nil {
		return fmt.Sprintf("ferry: delete %s %s", name, rrtype)
	}
	ws := make([]string, len(next.Sets))
	for i, s := range next.Sets {
		ws[i] = fmt.Sprintf("%s=%d", s.ID, s.Weight)
	}
	return fmt.Sprintf("ferry: %s %s %s", next.Name, next.Type, strings.Join(ws, " "))
}

// BatchJSON is the change batch that replacing old by next sends (nil old:
// nothing there; nil next: a delete), as the JSON `aws route53
// change-resource-record-sets --change-batch` takes. old is what ferry
// read, in ferry's model; the batch DELETEs it as Route 53 lists it. It is
// pure: `ferry migrate plan` prints it for each step.
func BatchJSON(old, next *dns.RecordSet) ([]byte, error) {
	var o, n []types.ResourceRecordSet
	name, rrtype := "", ""
	if old != nil {
		o, name, rrtype = rrsets.To(*old), old.Name, old.Type
	}
	if next != nil {
		n, name, rrtype = rrsets.To(*next), next.Name, next.Type
	}
	b := changeBatch(comment(name, rrtype, next), o, n)
	out := batchJSON{Comment: aws.ToString(b.Comment)}
	for _, c := range b.Changes {
		out.Changes = append(out.Changes, changeJSON{Action: string(c.Action), ResourceRecordSet: rrsetJSONOf(*c.ResourceRecordSet)})
	}
	j, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding the change batch of %s %s: %w", name, rrtype, err)
	}
	return j, nil
}

// The JSON shape of the AWS CLI's --change-batch.
type batchJSON struct {
	Comment string       `json:"Comment,omitempty"`
	Changes []changeJSON `json:"Changes"`
}

type changeJSON struct {
	Action            string    `json:"Action"`
	ResourceRecordSet rrsetJSON `json:"ResourceRecordSet"`
}

type rrsetJSON struct {
	Name            string       `json:"Name"`
	Type            string       `json:"Type"`
	SetIdentifier   string       `json:"SetIdentifier,omitempty"`
	Weight          *int64       `json:"Weight,omitempty"`
	TTL             *int64       `json:"TTL,omitempty"`
	ResourceRecords []recordJSON `json:"ResourceRecords,omitempty"`
	AliasTarget     *aliasJSON   `json:"AliasTarget,omitempty"`
}

type aliasJSON struct {
	HostedZoneID         string `json:"HostedZoneId"`
	DNSName              string `json:"DNSName"`
	EvaluateTargetHealth bool   `json:"EvaluateTargetHealth"`
}

type recordJSON struct {
	Value string `json:"Value"`
}

func rrsetJSONOf(r types.ResourceRecordSet) rrsetJSON {
	j := rrsetJSON{Name: aws.ToString(r.Name), Type: string(r.Type), SetIdentifier: aws.ToString(r.SetIdentifier), Weight: r.Weight, TTL: r.TTL}
	if t := r.AliasTarget; t != nil {
		j.AliasTarget = &aliasJSON{HostedZoneID: aws.ToString(t.HostedZoneId), DNSName: aws.ToString(t.DNSName), EvaluateTargetHealth: t.EvaluateTargetHealth}
	}
	for _, v := range r.ResourceRecords {
		j.ResourceRecords = append(j.ResourceRecords, recordJSON{Value: aws.ToString(v.Value)})
	}
	return j
}
