# Read one account by its id.
data "acronis_user" "john" {
  id = "1c234e69-5469-424a-a6d1-ff5658b387a6"
}

output "john_login" {
  value = data.acronis_user.john.login
}

output "john_is_enabled" {
  value = data.acronis_user.john.enabled
}
