"""`sathach bench exam-day`: the test day measured end to end on this machine.

`exam_day` runs the whole thing from the management command; `steps` is what runs inside
the temporary database (seeding, opening, checking, the baseline), `load` the simulated
examinees, `http` their small HTTP/1.1 client and `stats` the percentiles.
"""
