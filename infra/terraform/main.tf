# AetherSegment on Google Cloud: one Cloud Run service and service account per service, one Pub/Sub topic per event
# type (with a dead-letter topic), push subscriptions authenticated with OIDC, Firestore for segment state and a
# BigQuery dataset as the warehouse. Names come from events.auto.tfvars.json, generated from the contracts.

resource "google_firestore_database" "segments" {
  name        = "(default)"
  location_id = var.region
  type        = "FIRESTORE_NATIVE"
}

module "warehouse" {
  source     = "./modules/warehouse"
  project_id = var.project_id
  location   = var.region
  dataset_id = "aether"
  writers    = [for name in var.services : module.service[name].service_account_email]
}

module "service" {
  source     = "./modules/cloud_run_service"
  for_each   = toset(var.services)
  name       = each.key
  project_id = var.project_id
  region     = var.region
  image      = var.image
}

# The identity Pub/Sub uses to sign push requests; each service checks the token's audience and email.
resource "google_service_account" "pubsub_pusher" {
  account_id   = "aether-pubsub-pusher"
  display_name = "AetherSegment Pub/Sub push identity"
}

module "topic" {
  source   = "./modules/event_topic"
  for_each = toset(var.topics)
  name     = each.key
  subscriptions = [
    for subscription in var.subscriptions : merge(subscription, {
      push_endpoint         = "${module.service[subscription.service].url}/pubsub/push/${subscription.name}"
      push_service_account  = google_service_account.pubsub_pusher.email
      push_audience         = module.service[subscription.service].url
      invoker_service_name  = module.service[subscription.service].name
    }) if subscription.topic == each.key
  ]
  publishers = [for name in lookup(var.publishers, each.key, []) : module.service[name].service_account_email if contains(var.services, name)]
  region     = var.region
}

# Firestore: every service reads and transitions segment documents.
resource "google_project_iam_member" "firestore_user" {
  for_each = toset(var.services)
  project  = var.project_id
  role     = "roles/datastore.user" # read/write segment documents
  member   = "serviceAccount:${module.service[each.key].service_account_email}"
}

# Vertex AI: only the interpreter calls Gemini.
resource "google_project_iam_member" "interpreter_vertex" {
  count   = contains(var.services, "interpreter") ? 1 : 0
  project = var.project_id
  role    = "roles/aiplatform.user" # generateContent on Gemini models
  member  = "serviceAccount:${module.service["interpreter"].service_account_email}"
}

# Composite indexes behind SegmentStore.list (newest first, optionally filtered by status).
resource "google_firestore_index" "segments_by_created" {
  database   = google_firestore_database.segments.name
  collection = "segments"
  fields {
    field_path = "createdAt"
    order      = "DESCENDING"
  }
  fields {
    field_path = "id"
    order      = "DESCENDING"
  }
}

resource "google_firestore_index" "segments_by_status_created" {
  database   = google_firestore_database.segments.name
  collection = "segments"
  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "createdAt"
    order      = "DESCENDING"
  }
  fields {
    field_path = "id"
    order      = "DESCENDING"
  }
}
