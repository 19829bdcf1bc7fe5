variable "project_id" { type = string }
variable "location" { type = string }
variable "dataset_id" { type = string }
variable "writers" { type = list(string) }

# Tables are created by the application from the contracts (ensureSchema), so DDL has one source.
resource "google_bigquery_dataset" "this" {
  dataset_id  = var.dataset_id
  location    = var.location
  description = "AetherSegment warehouse: customers, behaviour, campaigns, scores, segment members."
}

resource "google_bigquery_dataset_iam_member" "editor" {
  for_each   = toset(var.writers)
  dataset_id = google_bigquery_dataset.this.dataset_id
  role       = "roles/bigquery.dataEditor" # create tables, load and write scores and members
  member     = "serviceAccount:${each.key}"
}

resource "google_project_iam_member" "job_user" {
  for_each = toset(var.writers)
  project  = var.project_id
  role     = "roles/bigquery.jobUser" # run query and load jobs
  member   = "serviceAccount:${each.key}"
}

output "dataset_id" { value = google_bigquery_dataset.this.dataset_id }
