"""The programme briefing (工作简报) for scheduling meetings, and the 五个一 and task-area progress
it reports: built from the domains' services, written as .docx, .pdf or .xlsx."""
