"""Innovation consortia (创新联合体): a lead enterprise with member enterprises and universities,
the projects and funding under them."""
