# In a file ending .tfquery.hcl (Terraform 1.14 and later). `terraform query` lists the
# customer's accounts; `terraform query -generate-config-out=accounts.tf` writes an
# acronis_user_status resource and an import block for each.
list "acronis_user_status" "customer" {
  provider = acronis
  limit    = 1000

  config {
    tenant_id = "7e4a0700-0000-4000-8000-000000000005"
  }
}

# The disabled accounts of the customer and of its units, each with its full state.
list "acronis_user_status" "disabled" {
  provider         = acronis
  include_resource = true

  config {
    tenant_id             = "7e4a0700-0000-4000-8000-000000000005"
    include_child_tenants = true
    enabled               = false
  }
}
