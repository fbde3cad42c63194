# Terraform hand-off written by `ferry import terraform` from main.tfstate, route53.tfstate.
#
# Now, before `ferry migrate start`: ferry takes over these Route 53 records.
# Delete their resource blocks from your configuration, keep these removed
# blocks, and apply (Terraform 1.7 or later): Terraform forgets the records
# without deleting them, and no longer undoes the weights ferry sets.

# lb.traveler.ga CNAME of service lb (aws_route53_record.route53_record)
removed {
  from = aws_route53_record.route53_record
  lifecycle {
    destroy = false
  }
}

# After `ferry migrate` reports done, ferry's sets are the records. Delete the
# removed blocks above, remove the leading "# " from every line below the next
# one, fill in each <FILL-IN …> with the cluster's ingress load balancer, and
# apply: Terraform imports the final records and manages them again.
# ---- after done ----
# import {
#   to = aws_route53_record.lb_cluster
#   id = "Z09232451Q0BV2ES72E7I_lb.traveler.ga_CNAME_cluster"
# }
#
# resource "aws_route53_record" "lb_cluster" {
#   zone_id        = "Z09232451Q0BV2ES72E7I"
#   name           = "lb.traveler.ga"
#   type           = "CNAME"
#   set_identifier = "cluster"
#   ttl            = 300
#   records        = ["<FILL-IN address of the cluster's ingress load balancer>"]
#   weighted_routing_policy {
#     weight = 100
#   }
# }
