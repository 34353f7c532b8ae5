deployment_package "monthly" {
  site        = "LAB"
  name        = "Security updates for SMS 2003 clients, monthly, all languages" # ERROR: Value too long
  description = "Updates deployed every month to the SMS 2003 clients scanned by the Inventory Tool for Microsoft Updates, including rollups and service packs" # ERROR: Value too long
  source_path = "D:\\Updates\\Monthly" # ERROR: Invalid network path
}
