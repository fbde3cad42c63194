# Terraform hand-off written by `ferry import terraform` from weighted-asg-docker.tfstate.
#
# Now, before `ferry migrate start`: ferry takes over these Route 53 records.
# Delete their resource blocks from your configuration, keep these removed
# blocks, and apply (Terraform 1.7 or later): Terraform forgets the records
# without deleting them, and no longer undoes the weights ferry sets.

# api.shop.example.com A of service api (aws_route53_record.api["legacy"])
removed {
  from = aws_route53_record.api
  lifecycle {
    destroy = false
  }
}

# www.shop.example.com CNAME of service www (aws_route53_record.www)
removed {
  from = aws_route53_record.www
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
#   to = aws_route53_record.api_cluster
#   id = "Z0312345ABCDEFGHIJKL_api.shop.example.com_A_cluster"
# }
#
# resource "aws_route53_record" "api_cluster" {
#   zone_id        = "Z0312345ABCDEFGHIJKL"
#   name           = "api.shop.example.com"
#   type           = "A"
#   set_identifier = "cluster"
#   alias {
#     name                   = "<FILL-IN DNS name of the cluster's ingress load balancer>"
#     zone_id                = "<FILL-IN its canonical hosted zone id>"
#     evaluate_target_health = true
#   }
#   weighted_routing_policy {
#     weight = 100
#   }
# }
#
# import {
#   to = aws_route53_record.www_cluster
#   id = "Z0312345ABCDEFGHIJKL_www.shop.example.com_CNAME_cluster"
# }
#
# resource "aws_route53_record" "www_cluster" {
#   zone_id        = "Z0312345ABCDEFGHIJKL"
#   name           = "www.shop.example.com"
#   type           = "CNAME"
#   set_identifier = "cluster"
#   ttl            = 300
#   records        = ["<FILL-IN address of the cluster's ingress load balancer>"]
#   weighted_routing_policy {
#     weight = 100
#   }
# }
