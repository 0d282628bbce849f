-- "Multi-Sites (Business+)", "Alertes par site": a notification channel may be limited to one
-- site; it then takes only the alerts about that site's machines (offline, back online, SMART,
-- alert rules). NULL: every machine, as before. Composite key: a channel cannot name another
-- client's site. A channel whose site is deleted is deleted too: SET NULL would widen it to
-- every machine of the client (the rule alert_rules follows for its machine and group).
ALTER TABLE notification_channels ADD COLUMN site_id UUID;
ALTER TABLE notification_channels ADD CONSTRAINT notification_channels_site_fkey
    FOREIGN KEY (client_id, site_id) REFERENCES sites (client_id, id) ON DELETE CASCADE;
CREATE INDEX idx_notification_channels_site ON notification_channels (client_id, site_id) WHERE site_id IS NOT NULL;
