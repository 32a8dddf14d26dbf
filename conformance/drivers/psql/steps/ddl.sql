create table @PREFIX@items (id integer primary key, name text not null, score double precision, created date);
create index @PREFIX@items_name_idx on @PREFIX@items (name);
create table @PREFIX@types (id integer primary key, c_int2 smallint, c_int4 integer, c_int8 bigint, c_float4 real, c_float8 double precision, c_numeric numeric(14,4), c_bool boolean, c_text text, c_varchar varchar(20), c_bytea bytea, c_date date, c_time time, c_timestamp timestamp, c_timestamptz timestamptz, c_interval interval, c_uuid uuid, c_json json, c_jsonb jsonb);
create table @PREFIX@copy (id integer primary key, label text, amount numeric(10,2));
select count(*) from @PREFIX@items;
