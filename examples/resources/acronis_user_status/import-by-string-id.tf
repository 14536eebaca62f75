# Terraform 1.5 and later: import by the user id.
import {
  to = acronis_user_status.john
  id = "1c234e69-5469-424a-a6d1-ff5658b387a6"
}
