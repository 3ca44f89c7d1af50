-- When Lever first delivered an event to each of our webhooks. A webhook made through Lever's API
-- sends nothing until a Super Admin turns its event on in Lever's settings: `connections verify` and
-- `status` name the webhooks still waiting. Made anew (another id), a webhook waits again.
ALTER TABLE lever_webhooks ADD COLUMN delivered_at timestamptz;
UPDATE lever_webhooks w SET delivered_at = (
    SELECT min(i.received_at) FROM inbox i
    WHERE i.source = 'lever' AND i.connection = w.connection AND i.event = w.event
      AND i.received_at >= w.created_at);
