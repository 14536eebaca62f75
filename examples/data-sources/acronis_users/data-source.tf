# Off-board a customer: list every account of their tenant and disable them all.
variable "departing_tenant_id" {
  type    = string
  default = "3f9a1c2e-8b7d-4e6f-a5c4-d3b2a1f0e9d8"
}

data "acronis_users" "departing" {
  tenant_id = var.departing_tenant_id
  # The customer's units too; without this, only the customer tenant's own accounts.
  include_child_tenants = true
}

resource "acronis_user_status" "departing" {
  for_each = { for user in data.acronis_users.departing.users : user.id => user }

  user_id = each.key
  enabled = false
  # Leave the accounts disabled even if this configuration is later removed.
  on_destroy = "disable"
}

output "departing_logins" {
  value = [for user in data.acronis_users.departing.users : user.login]
}
