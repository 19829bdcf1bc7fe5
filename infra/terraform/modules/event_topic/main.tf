variable "name" { type = string }
variable "region" { type = string }
variable "publishers" { type = list(string) }
variable "subscriptions" {
  type = list(object({
    name                  = string
    service               = string
    topic                 = string
    dead_letter_topic     = string
    max_delivery_attempts = number
    min_backoff_seconds   = number
    max_backoff_seconds   = number
    ack_deadline_seconds  = number
    push_endpoint         = string
    push_service_account  = string
    push_audience         = string
    invoker_service_name  = string
  }))
}

data "google_project" "this" {}

locals {
  pubsub_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

resource "google_pubsub_topic" "this" {
  name = var.name
}

resource "google_pubsub_topic" "dead_letter" {
  name = "${var.name}-dead-letter"
}

# Kept so dead letters can be read and replayed by ops.
resource "google_pubsub_subscription" "dead_letter_reader" {
  name                       = "${var.name}-dead-letter.reader"
  topic                      = google_pubsub_topic.dead_letter.id
  message_retention_duration = "604800s"
}

resource "google_pubsub_subscription" "this" {
  for_each             = { for s in var.subscriptions : s.name => s }
  name                 = each.key
  topic                = google_pubsub_topic.this.id
  ack_deadline_seconds = each.value.ack_deadline_seconds

  push_config {
    push_endpoint = each.value.push_endpoint
    oidc_token {
      service_account_email = each.value.push_service_account
      audience              = each.value.push_audience
    }
  }
  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = each.value.max_delivery_attempts
  }
  retry_policy {
    minimum_backoff = "${each.value.min_backoff_seconds}s"
    maximum_backoff = "${each.value.max_backoff_seconds}s"
  }
}

resource "google_pubsub_topic_iam_member" "publisher" {
  for_each = toset(var.publishers)
  topic    = google_pubsub_topic.this.id
  role     = "roles/pubsub.publisher" # services publish the events they produce
  member   = "serviceAccount:${each.key}"
}

# The Pub/Sub service agent must publish dead letters and ack the source subscription.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  topic  = google_pubsub_topic.dead_letter.id
  role   = "roles/pubsub.publisher" # forward undeliverable messages
  member = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each     = google_pubsub_subscription.this
  subscription = each.value.id
  role         = "roles/pubsub.subscriber" # ack what it dead-letters
  member       = local.pubsub_agent
}

resource "google_cloud_run_v2_service_iam_member" "push_invoker" {
  for_each = { for s in var.subscriptions : s.name => s }
  name     = each.value.invoker_service_name
  location = var.region
  role     = "roles/run.invoker" # Pub/Sub push may call the consuming service
  member   = "serviceAccount:${each.value.push_service_account}"
}
