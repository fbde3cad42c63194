# Terraform hand-off written by `ferry import terraform` from alb-alias-record-plan.json.
#
# Now, before `ferry migrate start`: ferry takes over these Route 53 records.
# Delete their resource blocks from your configuration, keep these removed
# blocks, and apply (Terraform 1.7 or later): Terraform forgets the records
# without deleting them, and no longer undoes the weights ferry sets.

# myapp.mybusandbox.aws.mycompany.com A of service myapp (module.alb.aws_route53_record.route53)
# It is declared in a module: delete it there. If terraform plan refuses this
# root-level block, put it in that module with from = aws_route53_record.route53.
removed {
  from = module.alb.aws_route53_record.route53
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
#   to = aws_route53_record.myapp_cluster
#   id = "ZJH0HXNRO2EHR_myapp.mybusandbox.aws.mycompany.com_A_cluster"
# }
#
# resource "aws_route53_record" "myapp_cluster" {
#   zone_id        = "ZJH0HXNRO2EHR"
#   name           = "myapp.mybusandbox.aws.mycompany.com"
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
