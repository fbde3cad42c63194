package clio

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type Inner struct {
	Wait  time.Duration `json:"wait"`
	Label string        `json:"label,omitempty"`
}

type Embedded struct {
	Shared string `json:"shared"`
}

type ptrMarshaler struct{ n int }

func (p *ptrMarshaler) MarshalJSON() ([]byte, error) { return []byte(`"marshaled"`), nil }

type zeroByMethod struct{ v int }

func (z zeroByMethod) IsZero() bool { return z.v < 0 }

// everything exercises what encoding/json does with a struct; Hold is the
// one duration, so the reflective path is taken.
type everything struct {
	Embedded
	*Inner
	Hold      time.Duration            `json:"hold"`
	Holds     map[string]time.Duration `json:"holds"`
	Steps     []time.Duration          `json:"steps,omitempty"`
	Maybe     *time.Duration           `json:"maybe"`
	Any       any                      `json:"any"`
	Nested    Inner                    `json:"nested"`
	Raw       []byte                   `json:"raw"`
	Addr      netip.Addr               `json:"addr"`
	When      time.Time                `json:"when,omitzero"`
	ByMethod  zeroByMethod             `json:"byMethod,omitzero"`
	Marshaled []ptrMarshaler           `json:"marshaled"`
	One       ptrMarshaler             `json:"one"` // marshals itself only when addressable
	IntKeys   map[int]string           `json:"intKeys"`
	HTML      string                   `json:"html"`
	Empty     string                   `json:"empty,omitempty"`
	NilSlice  []string                 `json:"nilSlice"`
	Untagged  bool
	Skipped   string `json:"-"`
	hidden    string
}

func TestWriteJSONWritesDurationsAsStrings(t *testing.T) {
	ninety := 90 * time.Second
	v := everything{
		Embedded:  Embedded{Shared: "s"},
		Inner:     &Inner{Wait: time.Minute},
		Hold:      5 * time.Minute,
		Holds:     map[string]time.Duration{"b": time.Second, "a": 1500 * time.Millisecond},
		Maybe:     &ninety,
		Any:       []any{time.Hour, "x"},
		Nested:    Inner{Wait: 0, Label: "l"},
		Raw:       []byte("hi"),
		Addr:      netip.MustParseAddr("10.0.0.1"),
		ByMethod:  zeroByMethod{v: -1},
		Marshaled: []ptrMarshaler{{1}},
		IntKeys:   map[int]string{10: "ten", 2: "two"},
		HTML:      "<a&b>",
		Skipped:   "no",
		hidden:    "no",
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, v); err != nil {
		t.Fatal(err)
	}
	want := `{
  "shared": "s",
  "wait": "1m0s",
  "hold": "5m0s",
  "holds": {
    "a": "1.5s",
    "b": "1s"
  },
  "maybe": "1m30s",
  "any": [
    "1h0m0s",
    "x"
  ],
  "nested": {
    "wait": "0s",
    "label": "l"
  },
  "raw": "aGk=",
  "addr": "10.0.0.1",
  "marshaled": [
    "marshaled"
  ],
  "one": {},
  "intKeys": {
    "10": "ten",
    "2": "two"
  },
  "html": "\u003ca\u0026b\u003e",
  "nilSlice": null,
  "Untagged": false
}
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("WriteJSON (-want +got):\n%s", diff)
	}
}

// TestReadableMatchesEncodingJSON: apart from durations, the reflective
// path writes what encoding/json writes. Durations are zero here so both
// print them alike after the one substitution.
func TestReadableMatchesEncodingJSON(t *testing.T) {
	values := map[string]any{
		"everything": everything{
			Embedded: Embedded{Shared: "s"}, Inner: &Inner{Label: "in"}, Raw: []byte{0, 1},
			Addr: netip.MustParseAddr("::1"), When: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			ByMethod: zeroByMethod{v: 3}, Marshaled: []ptrMarshaler{{}, {}}, IntKeys: map[int]string{-1: "m"},
			Any: map[string]any{"k": []int{1}}, HTML: "a<b", Empty: "", Untagged: true,
		},
		"nil embedded pointer": everything{},
		"pointer":              &everything{Steps: []time.Duration{}},
	}
	for name, v := range values {
		t.Run(name, func(t *testing.T) {
			want, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(readable(reflect.ValueOf(v)), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			// encoding/json writes a zero duration as 0, readable as "0s".
			wantText := strings.NewReplacer(`": 0,`, `": "0s",`, `": 0`+"\n", `": "0s"`+"\n").Replace(string(want))
			if diff := cmp.Diff(wantText, string(got)); diff != "" {
				t.Errorf("readable differs from encoding/json beyond durations (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWriteJSONLeavesOtherValuesToEncodingJSON: a value that cannot hold a
// duration is written by encoding/json itself, byte for byte.
func TestWriteJSONLeavesOtherValuesToEncodingJSON(t *testing.T) {
	v := struct {
		A []byte          `json:"a"`
		M map[string]int  `json:"m"`
		T time.Time       `json:"t"`
		S json.RawMessage `json:"s"`
	}{A: []byte("x"), M: map[string]int{"z": 1, "a": 2}, T: time.Unix(0, 0).UTC(), S: json.RawMessage(`{"k":1}`)}
	var got, want bytes.Buffer
	if err := WriteJSON(&got, v); err != nil {
		t.Fatal(err)
	}
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.String(), got.String()); diff != "" {
		t.Errorf("WriteJSON (-encoding/json +WriteJSON):\n%s", diff)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteJSONFailureExitsOne(t *testing.T) {
	err := WriteJSON(failingWriter{}, map[string]int{"a": 1})
	if Code(err) != ExitFailed || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("WriteJSON to a failing writer = %v (exit %d), want exit 1 naming the cause", err, Code(err))
	}
}

type unexportedEmbedded struct {
	Promoted any `json:"promoted"`
}

// TestWriteJSONFallsBackWhereReflectionCannotRead: encoding/json promotes
// the fields of an unexported embedded struct, which reflection may not
// read; such a struct is written by encoding/json as it is, durations as
// nanoseconds, rather than losing fields or panicking.
func TestWriteJSONFallsBackWhereReflectionCannotRead(t *testing.T) {
	v := struct {
		unexportedEmbedded
		Hold time.Duration `json:"hold"`
	}{unexportedEmbedded{Promoted: time.Second}, time.Minute}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, v); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"promoted\": 1000000000,\n  \"hold\": 60000000000\n}\n"; buf.String() != want {
		t.Errorf("WriteJSON = %s, want %s", buf.String(), want)
	}
}
