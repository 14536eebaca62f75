# Disable one account: the user can no longer sign in.
resource "acronis_user_status" "john" {
  user_id = "1c234e69-5469-424a-a6d1-ff5658b387a6"
  enabled = false
}

# Disable every account in a set, e.g. the people who left this month.
variable "leavers" {
  type = set(string)
  default = [
    "0f8e7b2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
    "7d6c5b4a-3f2e-4d1c-9b8a-7f6e5d4c3b2a",
  ]
}

resource "acronis_user_status" "leavers" {
  for_each = var.leavers

  user_id = each.value
  enabled = false
}

# A temporary suspension: the account is enabled again when this resource is destroyed.
resource "acronis_user_status" "suspended" {
  user_id    = "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d"
  enabled    = false
  on_destroy = "enable"
}

output "john_revision" {
  description = "The account's revision number after the change."
  value       = acronis_user_status.john.version
}
