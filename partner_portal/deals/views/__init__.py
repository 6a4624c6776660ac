"""The deals app's views: the portal's and the admin's."""
