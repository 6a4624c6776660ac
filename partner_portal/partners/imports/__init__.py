"""Import of partners and partner users: services, admin views and their helpers."""
