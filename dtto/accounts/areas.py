"""Reference data: the 42 probation areas of England and Wales (National Probation Service,
2001-2010), each with its region. Loaded by a data migration; editable in the admin.

Codes are stable lower-case slugs used in case files (``"area": "dorset"``).
"""

from __future__ import annotations

# (code, name, region)
PROBATION_AREAS: list[tuple[str, str, str]] = [
    ("avon-somerset", "Avon and Somerset", "South West"),
    ("bedfordshire", "Bedfordshire", "East of England"),
    ("cambridgeshire", "Cambridgeshire", "East of England"),
    ("cheshire", "Cheshire", "North West"),
    ("cumbria", "Cumbria", "North West"),
    ("derbyshire", "Derbyshire", "East Midlands"),
    ("devon-cornwall", "Devon and Cornwall", "South West"),
    ("dorset", "Dorset", "South West"),
    ("durham", "Durham", "North East"),
    ("dyfed-powys", "Dyfed-Powys", "Wales"),
    ("essex", "Essex", "East of England"),
    ("gloucestershire", "Gloucestershire", "South West"),
    ("greater-manchester", "Greater Manchester", "North West"),
    ("gwent", "Gwent", "Wales"),
    ("hampshire", "Hampshire", "South East"),
    ("hertfordshire", "Hertfordshire", "East of England"),
    ("humberside", "Humberside", "Yorkshire and the Humber"),
    ("kent", "Kent", "South East"),
    ("lancashire", "Lancashire", "North West"),
    ("leicestershire", "Leicestershire and Rutland", "East Midlands"),
    ("lincolnshire", "Lincolnshire", "East Midlands"),
    ("london", "London", "London"),
    ("merseyside", "Merseyside", "North West"),
    ("norfolk", "Norfolk", "East of England"),
    ("north-wales", "North Wales", "Wales"),
    ("north-yorkshire", "North Yorkshire", "Yorkshire and the Humber"),
    ("northamptonshire", "Northamptonshire", "East Midlands"),
    ("northumbria", "Northumbria", "North East"),
    ("nottinghamshire", "Nottinghamshire", "East Midlands"),
    ("south-wales", "South Wales", "Wales"),
    ("south-yorkshire", "South Yorkshire", "Yorkshire and the Humber"),
    ("staffordshire", "Staffordshire", "West Midlands"),
    ("suffolk", "Suffolk", "East of England"),
    ("surrey", "Surrey", "South East"),
    ("sussex", "Sussex", "South East"),
    ("teesside", "Teesside", "North East"),
    ("thames-valley", "Thames Valley", "South East"),
    ("warwickshire", "Warwickshire", "West Midlands"),
    ("west-mercia", "West Mercia", "West Midlands"),
    ("west-midlands", "West Midlands", "West Midlands"),
    ("west-yorkshire", "West Yorkshire", "Yorkshire and the Humber"),
    ("wiltshire", "Wiltshire", "South West"),
]

assert len(PROBATION_AREAS) == 42
