-- The outbox reader's paging probe (bench/RESULTS.md "Outbox reader at scale"):
-- psql -d <scratch database> -f bench/outbox_pages_probe.sql   (creates table t: use a throwaway database)
create table t (position bigserial primary key, txid xid8 not null, shard smallint, pad text);
create index t_tp on t (txid, position);
insert into t (txid, shard, pad) select (1000 + n/3)::text::xid8, n % 256, repeat('x', 300) from generate_series(1, 2000000) n;
vacuum analyze t;
\echo ended branch as read_batch writes it, page after 10% / 50% / 90% of a 2M-event pair
explain (analyze, buffers, costs off) select * from t o where o.txid = ANY(ARRAY['1005'::xid8]) and (o.txid, o.position) > ('67666'::xid8, 200000) and o.shard = ANY('{0,4,8}'::smallint[]) order by o.txid, o.position limit 500;
explain (analyze, buffers, costs off) select * from t o where o.txid = ANY(ARRAY['1005'::xid8]) and (o.txid, o.position) > ('334333'::xid8, 1000000) and o.shard = ANY('{0,4,8}'::smallint[]) order by o.txid, o.position limit 500;
explain (analyze, buffers, costs off) select * from t o where o.txid = ANY(ARRAY['1005'::xid8]) and (o.txid, o.position) > ('601000'::xid8, 1800000) and o.shard = ANY('{0,4,8}'::smallint[]) order by o.txid, o.position limit 500;
\echo the same with the redundant scalar bound
explain (analyze, buffers, costs off) select * from t o where o.txid = ANY(ARRAY['1005'::xid8]) and (o.txid, o.position) > ('601000'::xid8, 1800000) and o.txid >= '601000'::xid8 and o.shard = ANY('{0,4,8}'::smallint[]) order by o.txid, o.position limit 500;
