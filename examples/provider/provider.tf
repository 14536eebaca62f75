terraform {
  required_providers {
    acronis = {
      source  = "acronis/acronis"
      version = "~> 0.1"
    }
  }
}

variable "acronis_base_url" {
  description = "The data-center URL you sign in to the Acronis console at."
  type        = string
  default     = "https://eu2-cloud.acronis.com"
}

variable "acronis_client_id" {
  description = "The id of an Acronis API client."
  type        = string
}

variable "acronis_client_secret" {
  description = "The secret of that API client."
  type        = string
  sensitive   = true
}

provider "acronis" {
  base_url      = var.acronis_base_url
  client_id     = var.acronis_client_id
  client_secret = var.acronis_client_secret
}
