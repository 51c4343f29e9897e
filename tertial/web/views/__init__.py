"""The pages and actions of the web app, a module per part of the follow-up."""
