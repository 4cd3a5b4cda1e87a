"""Reports: KPIs, exports, wait estimates."""
