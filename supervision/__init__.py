"""Online supervision (นิเทศออนไลน์): plans, observation records, follow-ups, media use."""
