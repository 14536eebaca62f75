# Import an account by its user id (a lowercase UUID).
terraform import acronis_user_status.john 1c234e69-5469-424a-a6d1-ff5658b387a6
