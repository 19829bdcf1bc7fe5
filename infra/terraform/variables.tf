variable "project_id" {
  type        = string
  description = "Google Cloud project that hosts AetherSegment."
}

variable "region" {
  type        = string
  default     = "europe-west1"
  description = "Region for Cloud Run, Pub/Sub push endpoints and the BigQuery dataset location."
}

variable "image" {
  type        = string
  description = "Container image built from infra/Dockerfile (one image; SERVICE selects the entry point)."
}

# Generated from packages/contracts/src/topics.ts by `pnpm generate`; a test fails when it drifts.
variable "topics" {
  type        = list(string)
  description = "Event topics (each gets a dead-letter topic)."
}

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
  }))
  description = "Push subscriptions, one per (service, event)."
}

variable "publishers" {
  type        = map(list(string))
  description = "Topic name to the services allowed to publish on it."
}

variable "services" {
  type        = list(string)
  description = "Cloud Run services to deploy, one per folder under services/."
}
