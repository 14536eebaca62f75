# Terraform 1.12 and later: import by the resource identity.
import {
  to = acronis_user_status.john
  identity = {
    user_id = "1c234e69-5469-424a-a6d1-ff5658b387a6"
  }
}
