# 42 of the 70 sandbox-2024 rules of netsep-check (scope, data, provider, area and the one-control
# rules: the same as bench/run.py's hand-written peer), written once in Rego
# for the peer benchmark (bench/run.py --with-rego). Same verdicts as the YAML rules on valid
# profiles: pass, fail or not_applicable per rule id. __PARAMS__ is replaced by the pack's
# parameters (accepted_results, recognised_evaluators, evaluation_cycle_days) at run time.
package netsep

import rego.v1

params := __PARAMS__

designated if input.designation

subset(items, allowed) if {
	every item in items {
		item in allowed
	}
}

scope(field) := "not_applicable" if not designated

scope(field) := "pass" if {
	designated
	subset(input.usage[field], input.designation.approved_scope[field])
}

scope(field) := "fail" if {
	designated
	not subset(input.usage[field], input.designation.approved_scope[field])
}

service := input.designation.service if designated

excluded(categories) if {
	some c in input.usage.data_categories
	c in categories
}

excluded(categories) if {
	some c in input.designation.approved_scope.data_categories
	c in categories
}

m365_excluded := ["financial_transaction_information"]

pulse_excluded := [
	"personal_information", "credit_information",
	"financial_transaction_information", "unique_identification_information",
]

data_m365 := "not_applicable" if service != "m365"

data_m365 := "not_applicable" if not designated

data_m365 := "fail" if {
	service == "m365"
	excluded(m365_excluded)
}

data_m365 := "pass" if {
	service == "m365"
	not excluded(m365_excluded)
}

data_pulse := "not_applicable" if service != "pulse"

data_pulse := "not_applicable" if not designated

data_pulse := "fail" if {
	service == "pulse"
	excluded(pulse_excluded)
}

data_pulse := "pass" if {
	service == "pulse"
	not excluded(pulse_excluded)
}

pseudonymised_ok if {
	input.usage.pseudonymised_data == false
	not "pseudonymised_information" in input.usage.data_categories
}

data_pseudonymised := "not_applicable" if service != "pulse"

data_pseudonymised := "not_applicable" if not designated

data_pseudonymised := "pass" if {
	service == "pulse"
	pseudonymised_ok
}

data_pseudonymised := "fail" if {
	service == "pulse"
	not pseudonymised_ok
}

status(rule) := "pass" if not failing[rule]

status(rule) := "fail" if failing[rule]

failing contains "PROV-DECLARED" if {
	some used in input.usage.providers
	not declared_provider(used)
}

declared_provider(id) if {
	some p in input.providers
	p.id == id
}

in_use contains p if {
	some p in input.providers
	p.id in input.usage.providers
}

failing contains "PROV-RATED" if {
	some p in in_use
	not p.security_evaluation.result in params.accepted_results
}

failing contains "PROV-EVALUATOR" if {
	some p in in_use
	not p.security_evaluation.evaluator in params.recognised_evaluators
}

day_ns := 86400000000000

failing contains "PROV-EVAL-CURRENT" if {
	as_of := time.parse_ns("2006-01-02", input.assessment.as_of)
	some p in in_use
	evaluated := time.parse_ns("2006-01-02", p.security_evaluation.evaluated_on)
	not within(evaluated, as_of)
}

within(evaluated, as_of) if {
	evaluated <= as_of
	as_of - evaluated <= params.evaluation_cycle_days * day_ns
}

controls := {
	"MEAS-ENDPOINT": ["endpoint", "mobile_controls"],
	"MEAS-NETWORK-LINK": ["network_link", ""],
	"MEAS-SAAS-MANAGEMENT": ["saas_management", ""],
	"MEAS-OPERATING-POLICY": ["operating_policy", "pseudonymised_data_handling"],
}

failing contains rule if {
	some rule, [area, skip] in controls
	some name, control in input.security_measures[area]
	name != skip
	not startswith(name, "x_")
	control.status != "implemented"
}

# One rule per control (policies/common/controls.yaml): its status is "implemented".
ctrl(area, name) := "pass" if input.security_measures[area][name].status == "implemented"

ctrl(area, name) := "fail" if not input.security_measures[area][name].status == "implemented"

result := {
	"SCOPE-TASKS": scope("tasks"),
	"SCOPE-DATA": scope("data_categories"),
	"SCOPE-PRODUCTS": scope("saas_products"),
	"SCOPE-PROVIDERS": scope("providers"),
	"DATA-M365-TRANSACTION": data_m365,
	"DATA-PULSE-EXCLUDED": data_pulse,
	"DATA-PULSE-PSEUDONYMISED": data_pseudonymised,
	"PROV-DECLARED": status("PROV-DECLARED"),
	"PROV-RATED": status("PROV-RATED"),
	"PROV-EVALUATOR": status("PROV-EVALUATOR"),
	"PROV-EVAL-CURRENT": status("PROV-EVAL-CURRENT"),
	"MEAS-ENDPOINT": status("MEAS-ENDPOINT"),
	"MEAS-NETWORK-LINK": status("MEAS-NETWORK-LINK"),
	"MEAS-SAAS-MANAGEMENT": status("MEAS-SAAS-MANAGEMENT"),
	"MEAS-OPERATING-POLICY": status("MEAS-OPERATING-POLICY"),
	"CTRL-SAAS-INPUT-RESTRICTION": ctrl("saas_management", "input_restriction"),
	"CTRL-EP-APPROVED-DEVICES": ctrl("endpoint", "approved_devices_only"),
	"CTRL-EP-DEVICE-REGISTRATION": ctrl("endpoint", "device_registration"),
	"CTRL-EP-COMPENSATING": ctrl("endpoint", "compensating_controls"),
	"CTRL-EP-LEAK-PREVENTION": ctrl("endpoint", "leak_prevention"),
	"CTRL-EP-ANTI-MALWARE": ctrl("endpoint", "anti_malware"),
	"CTRL-NET-AUTHORISED-TERMINALS": ctrl("network_link", "authorised_terminal_restriction"),
	"CTRL-NET-MFA": ctrl("network_link", "strong_authentication"),
	"CTRL-NET-RELAY-GATEWAY": ctrl("network_link", "relay_gateway"),
	"CTRL-NET-TRAFFIC-SEPARATION": ctrl("network_link", "traffic_separation"),
	"CTRL-NET-ENCRYPTION": ctrl("network_link", "encryption_in_transit"),
	"CTRL-NET-INTERNET-ACCESS": ctrl("network_link", "internet_access_control"),
	"CTRL-SAAS-LEAST-PRIVILEGE": ctrl("saas_management", "least_privilege"),
	"CTRL-SAAS-SHARING": ctrl("saas_management", "sharing_controls"),
	"CTRL-SAAS-AUDIT-LOG": ctrl("saas_management", "audit_logging"),
	"CTRL-SAAS-LOG-MONITORING": ctrl("saas_management", "log_monitoring"),
	"CTRL-SAAS-DATA-MONITORING": ctrl("saas_management", "sensitive_data_monitoring"),
	"CTRL-SAAS-UPLOAD-SCAN": ctrl("saas_management", "sensitive_upload_scan"),
	"CTRL-SAAS-FILE-MALWARE": ctrl("saas_management", "file_malware_protection"),
	"CTRL-SAAS-EXFILTRATION": ctrl("saas_management", "exfiltration_prevention"),
	"CTRL-SAAS-THIRD-PARTY-APPS": ctrl("saas_management", "third_party_apps"),
	"CTRL-OPS-ASSET-INVENTORY": ctrl("operating_policy", "asset_inventory"),
	"CTRL-OPS-USAGE-GUIDE": ctrl("operating_policy", "usage_guide"),
	"CTRL-OPS-TRAINING": ctrl("operating_policy", "training"),
	"CTRL-OPS-CHANGE-REVIEW": ctrl("operating_policy", "change_review"),
	"CTRL-OPS-VULNERABILITY": ctrl("operating_policy", "vulnerability_management"),
	"CTRL-OPS-INCIDENT-RESPONSE": ctrl("operating_policy", "incident_response"),
}
