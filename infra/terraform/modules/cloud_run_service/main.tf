variable "name" { type = string }
variable "project_id" { type = string }
variable "region" { type = string }
variable "image" { type = string }

resource "google_service_account" "this" {
  account_id   = "aether-${var.name}"
  display_name = "AetherSegment ${var.name}"
}

resource "google_cloud_run_v2_service" "this" {
  name     = "aether-${var.name}"
  location = var.region
  ingress  = var.name == "gateway" ? "INGRESS_TRAFFIC_ALL" : "INGRESS_TRAFFIC_INTERNAL_ONLY"

  template {
    service_account = google_service_account.this.email
    containers {
      image = var.image
      env {
        name  = "SERVICE"
        value = var.name
      }
      env {
        name  = "AETHER_MODE"
        value = "cloud"
      }
      env {
        name  = "GOOGLE_CLOUD_PROJECT"
        value = var.project_id
      }
      env {
        name  = "LOG_FORMAT"
        value = "cloud"
      }
      startup_probe {
        http_get { path = "/readyz" }
      }
      liveness_probe {
        http_get { path = "/healthz" }
      }
    }
  }
}

output "service_account_email" { value = google_service_account.this.email }
output "url" { value = google_cloud_run_v2_service.this.uri }
output "name" { value = google_cloud_run_v2_service.this.name }
