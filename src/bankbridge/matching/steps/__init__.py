"""The matching steps, one module each, in the seed's order of priority (R-D1).

Each step is a function ``(LineContext) -> Verdict | Note``: a verdict decides the line
(booked, proposed or open with the reason); a note says why the step found nothing, and
the engine goes on with the next step.
"""
