"""Mentoring (双导师制): a student's practice project at an enterprise in a paired zone, guided
by a university mentor and an enterprise mentor, whose outcome may replace the thesis.

Registration and acceptance, plan milestones, progress reports read by both mentors, meetings,
the outcome with its evidence, both mentors' rubric scores and signatures, the committee when
they disagree, and the decision with the rule that applied. Every write moves the project's
``version`` (409 on a stale one, 428 when missing) and is audited.
"""
