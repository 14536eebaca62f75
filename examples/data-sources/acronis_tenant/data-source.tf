# Look up a customer tenant before off-boarding it, and refuse to go on if it is not one.
data "acronis_tenant" "customer" {
  tenant_id = "3f9a1c2e-8b7d-4e6f-a5c4-d3b2a1f0e9d8"
}

output "customer" {
  value = "${data.acronis_tenant.customer.name} (${data.acronis_tenant.customer.kind}, in ${data.acronis_tenant.customer.parent_id})"

  precondition {
    condition     = data.acronis_tenant.customer.kind == "customer"
    error_message = "This tenant is not a customer."
  }
}
