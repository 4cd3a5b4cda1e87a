"""The test hall's services and windows, shared by the tests and the benchmarks so that both run the same hall.

A fragment of a ``str.format`` template (its braces are doubled): the tests' and the benchmarks' configs put
their own ``[hall]`` table before it and their kiosks and devices after it.
"""

SERVICES_AND_WINDOWS = """
[[services]]
code = "SB"
name = "社保医保"
name_en = "Social insurance"
prefix = "A"
max_wait_min = 45
avg_service_min = 8

[[services]]
code = "GJJ"
name = "公积金"
prefix = "B"
avg_service_min = 6

[[services]]
code = "BDC"
name = "不动产登记"
prefix = "C"
daily_cap = 3
avg_service_min = 15

[[windows]]
number = 1
services = ["SB", {{ code = "GJJ", weight = 2 }}]

[[windows]]
number = 2
services = ["SB"]

[[windows]]
number = 3
services = ["GJJ", "BDC"]

[[windows]]
number = 4
services = ["BDC"]

"""
