"""moto_server with Route 53's batch semantics where moto 5 is lenient.

Real Route 53 validates a change batch as a whole, in order, against the
record sets there now: a DELETE must match a record set exactly (TTL,
weight, values) or the whole batch fails, and a CREATE fails only when the
record set exists after the batch's earlier changes. moto checks DELETEs
against its change journal (ignoring weights) and CREATEs against every
record at or after the name, so a DELETE of a changed record passes and a
DELETE+CREATE of one record fails; and moto lets a plain record set and
weighted sets of the same name and type stand side by side, which Route
53 refuses. This wrapper replaces those checks and leaves the rest of moto
as it is. The error texts are Route 53's.
"""
import sys

from moto.route53 import models
from moto.route53.exceptions import Route53ClientError
from moto.server import main


class InvalidChangeBatch(Route53ClientError):
    def __init__(self, message):
        super().__init__("InvalidChangeBatch", message)


def _key(name, rrtype, set_id):
    return (str(name).rstrip(".").lower(), str(rrtype), set_id or None)


def _values(records):
    return sorted(str(r["Value"]) if isinstance(r, dict) else str(r) for r in records or [])


def _alias(target):
    if not target:
        return None
    return (str(target.get("HostedZoneId")), str(target.get("DNSName")).rstrip(".").lower(),
            str(target.get("EvaluateTargetHealth")).lower())


def _same(live, want):
    return (str(live.ttl) == str(want.get("TTL", 0)) and str(live.weight) == str(want.get("Weight"))
            and _values(live.records) == _values(want.get("ResourceRecords"))
            and _alias(live.alias_target) == _alias(want.get("AliasTarget")))


def _check(zone, change_list):
    live = {_key(r.name, r.type, r.set_identifier): r for r in zone.rrsets}
    for change in change_list:
        rs = change["ResourceRecordSet"]
        k = _key(rs["Name"], rs["Type"], rs.get("SetIdentifier"))
        shown = f"[name='{k[0]}.', type='{k[1]}'" + (f", set-identifier='{k[2]}'" if k[2] else "") + "]"
        if change["Action"] == "DELETE":
            if live.get(k) is None:
                raise InvalidChangeBatch(f"Tried to delete resource record set {shown} but it was not found")
            if not _same(live[k], rs):
                raise InvalidChangeBatch(f"Tried to delete resource record set {shown} but the values provided do not match the current values")
            del live[k]
        elif change["Action"] == "CREATE":
            if k in live:
                raise InvalidChangeBatch(f"Tried to create resource record set {shown} but it already exists")
            _mixed(live, k)
            live[k] = None
        elif change["Action"] == "UPSERT" and k not in live:
            _mixed(live, k)
            live[k] = None


def _mixed(live, k):
    """Refuses a weighted set beside a plain one of the same name and type, and the reverse."""
    for other in live:
        if other[:2] != k[:2] or (other[2] is None) == (k[2] is None):
            continue
        if k[2]:
            raise InvalidChangeBatch(f"[RRSet with DNS name {k[0]}., type {k[1]}, SetIdentifier {k[2]} cannot be created "
                                     "because a non multivalue answer rrset exists with the same name and type.]")
        raise InvalidChangeBatch(f"[RRSet with DNS name {k[0]}., type {k[1]} cannot be created because a "
                                 "weighted rrset exists with the same name and type.]")


_original = models.Route53Backend.change_resource_record_sets


def _strict(self, zoneid, change_list):
    zone = self.get_hosted_zone(zoneid)
    _check(zone, change_list)
    # moto deletes a weighted set by SetIdentifier across the whole zone,
    # and a plain one with every set of its name and type: delete exactly
    # the record set named, and let moto make the rest of the batch.
    for change in change_list:
        if change["Action"] == "DELETE":
            rs = change["ResourceRecordSet"]
            k = _key(rs["Name"], rs["Type"], rs.get("SetIdentifier"))
            zone.rrsets = [r for r in zone.rrsets if _key(r.name, r.type, r.set_identifier) != k]
    rest = [c for c in change_list if c["Action"] != "DELETE"]
    return _original(self, zoneid, rest) if rest else None


models.Route53Backend.change_resource_record_sets = _strict
# The batch is checked above; moto's own journal checks would refuse valid
# batches (an identical CREATE seen before, a name sent with a final dot).
models.ChangeList.has_insert_or_update = lambda self, rrset: True
models.ChangeList.__contains__ = lambda self, value: False

if __name__ == "__main__":
    main(sys.argv[1:])
