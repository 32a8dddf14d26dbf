// The driver scenario with node-postgres: `pg` sends Parse without parameter types (the server
// infers them) and text parameters, asks for text results (binary on request), streams with
// pg-cursor (Execute with a row limit, portal suspension) and copies with pg-copy-streams.
//
// One JSON line per step on stdout (conformance/drivers/README.md); stack traces go to stderr.

import fs from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { Readable, Writable } from 'node:stream'
import pg from 'pg'
import Cursor from 'pg-cursor'
import copyStreams from 'pg-copy-streams'

const scenario = JSON.parse(fs.readFileSync(new URL('../common/scenario.json', import.meta.url)))

const env = {
  dsn: process.env.PGBRIDGE_DRIVER_DSN,
  md5: process.env.PGBRIDGE_DRIVER_MD5_DSN || '',
  scram: process.env.PGBRIDGE_DRIVER_SCRAM_DSN || '',
  tls: process.env.PGBRIDGE_DRIVER_TLS_DSN || '',
  ca: process.env.PGBRIDGE_DRIVER_CA || '',
  prefix: process.env.PGBRIDGE_DRIVER_TABLE_PREFIX || 'node_postgres_',
}
const table = (name) => `${env.prefix}${name}`
const ITEMS = table('items')
const TYPES = table('types')
const NULLS = table('nulls')
const BIG = table('big')
const ACCOUNTS = table('accounts')
const COPY = table('copy')
const NAMED = table('named')

// COPY_TEXT's rows as pg reads them (numeric as its text).
const COPY_ROWS = [[1, 'plain', '1.25'], [2, 'tab\there', null], [3, 'new\nline', '-7.50'], [4, 'back\\slash ✓', '0.00'], [5, null, '100.00']]

class NotApplicable extends Error {}

function emit(item) {
  process.stdout.write(JSON.stringify(item) + '\n')
}

function check(condition, message) {
  if (!condition) throw new Error(message)
}

function equal(actual, expected, what) {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`)
}

function failuresSummary(failures) {
  if (failures.length) throw new Error(`${failures.length} wrong: ${failures.join('; ')}`)
}

// Values exactly as the server sent them: text as a string, binary as a Buffer.
const RAW_TYPES = { getTypeParser: () => (value) => value }

function authDsn(method) {
  const value = env[method]
  if (!value) {
    const what = method === 'tls' ? 'TLS' : `${method} user`
    throw new NotApplicable(`target has no ${what} (the runner gave no DSN for it)`)
  }
  return value
}

function wrongPassword(dsn) {
  const url = new URL(dsn)
  url.password = 'not-the-password'
  return url.toString()
}

async function connect(config = { connectionString: env.dsn }) {
  const client = new pg.Client({ connectionTimeoutMillis: 10000, ...config })
  await client.connect()
  return client
}

async function withClient(body, config) {
  const client = await connect(config)
  try {
    return await body(client)
  } finally {
    await client.end()
  }
}

async function rows(client, text, values = [], options = {}) {
  const result = await client.query({ text, values, rowMode: 'array', ...options })
  return result.rows
}

async function expectSqlstate(promise, sqlstate, what) {
  try {
    await promise
  } catch (error) {
    equal(error.code, sqlstate, `SQLSTATE of ${what} (${error.message})`)
    return
  }
  throw new Error(`${what} succeeded, expected ${sqlstate}`)
}

// ---------------------------------------------------------------------------------------------

async function connectTrust() {
  await withClient(async (client) => {
    equal(await rows(client, 'select 1'), [[1]], 'select 1')
    const [[version]] = await rows(client, 'select version()')
    check(version.startsWith('PostgreSQL '), `version() is ${JSON.stringify(version)}`)
  })
}

async function connectWithPassword(method) {
  const dsn = authDsn(method)
  await withClient(async (client) => {
    equal(await rows(client, 'select 2 + 3'), [[5]], 'select 2 + 3')
  }, { connectionString: dsn })
  await expectSqlstate(withClient(async () => {}, { connectionString: wrongPassword(dsn) }), '28P01', 'a wrong password')
}

function withoutQuery(dsn) {
  const url = new URL(dsn)
  url.search = ''
  return url.toString()
}

async function connectTls() {
  const dsn = authDsn('tls')
  const base = withoutQuery(dsn)
  await withClient(async (client) => {
    check(client.connection.stream.encrypted === true, 'the connection is not encrypted')
    equal(await rows(client, 'select 1'), [[1]], 'select 1 over TLS')
  }, { connectionString: base, ssl: { rejectUnauthorized: false }, enableChannelBinding: true })
  if (env.ca) {
    // The CA is given: the chain and the host name (an IP address here) must verify.
    await withClient(async (client) => {
      check(client.connection.stream.encrypted === true, 'verified connection is not encrypted')
    }, { connectionString: base, ssl: { ca: fs.readFileSync(env.ca), rejectUnauthorized: true } })
  }
}

async function dropTables() {
  await withClient(async (client) => {
    for (const name of [ITEMS, TYPES, NULLS, BIG, ACCOUNTS, COPY, NAMED]) {
      await client.query(`drop table if exists ${name}`)
    }
  })
}

async function ddl() {
  await withClient(async (client) => {
    await client.query(`create table ${ITEMS} (${scenario.items_columns})`)
    await client.query(`create index ${ITEMS}_name_idx on ${ITEMS} (name)`)
    await client.query(`alter table ${ITEMS} add column note varchar(40)`)
    const result = await client.query(`select * from ${ITEMS}`)
    equal(result.fields.map((field) => field.name), ['id', 'name', 'qty', 'price', 'created', 'note'],
      'columns after alter table')
    equal(result.rows, [], 'rows of a new table')
    await client.query(`drop index ${ITEMS}_name_idx`)
    await client.query(`create index ${ITEMS}_name_idx on ${ITEMS} (name)`)
  })
}

async function insertParams() {
  await withClient(async (client) => {
    const insert = `insert into ${ITEMS} (id, name, qty, price, created) values ($1, $2, $3, $4, $5)`
    const result = await client.query(insert, [1, 'apple', 3, 0.5, '2024-01-31'])
    equal(result.rowCount, 1, 'rowCount of one insert')
    for (const values of [[2, 'pear', 5, 0.75, null], [3, 'plum', null, null, null], [4, "fig's", 7, 1.25, null]]) {
      await client.query(insert, values)
    }
    equal(await rows(client, `select id, name, qty, price, created::text from ${ITEMS} where qty > $1 order by id`, [4]),
      [[2, 'pear', 5, 0.75, null], [4, "fig's", 7, 1.25, null]], 'select where qty > 4')
    equal((await client.query(`update ${ITEMS} set qty = qty + $1 where name = $2`, [10, 'apple'])).rowCount, 1,
      'rowCount of update')
    equal(await rows(client, `insert into ${ITEMS} (id, name) values ($1, $2) returning id, name, qty`, [5, 'kiwi']),
      [[5, 'kiwi', 0]], 'insert returning (qty has default 0)')
    equal(await rows(client, `delete from ${ITEMS} where id = $1 returning name`, [3]), [['plum']], 'delete returning')
    equal(await rows(client, `select id, qty from ${ITEMS} order by id`), [[1, 13], [2, 5], [4, 7], [5, 0]],
      'rows after update and delete')
  })
}

async function createTypesTable(client) {
  await client.query("set time zone 'UTC'")
  await client.query(`drop table if exists ${TYPES}`)
  const columns = scenario.types.map((type) => `${type.column} ${type.sql_type}`).join(', ')
  await client.query(`create table ${TYPES} (id int4 primary key, ${columns})`)
  await client.query(`insert into ${TYPES} (id) values (1)`)
}

// pg-protocol decodes every DataRow field as UTF-8 text, binary ones too ("Binary mode not
// supported yet" in its parser), so bytes that are not UTF-8 arrive as U+FFFD. The binary step
// compares PostgreSQL's encoding after that same decoding: length, type and every byte that
// survives it are checked; the replaced bytes cannot be.
function asPgProtocolDecodesIt(hex) {
  return Buffer.from(Buffer.from(hex, 'hex').toString('utf8')).toString('hex')
}

// Each type sent as a text parameter (what pg does), read back raw in `format`, compared with
// PostgreSQL's text output or binary encoding, and compared on the server with a parameter.
async function roundTripTypes(binary) {
  const failures = []
  await withClient(async (client) => {
    await createTypesTable(client)
    for (const type of scenario.types) {
      try {
        await client.query(`update ${TYPES} set ${type.column} = $1 where id = 1`, [type.text_input])
        const result = await client.query({
          text: `select ${type.column} from ${TYPES} where id = $1`, values: [1], rowMode: 'array', binary, types: RAW_TYPES,
        })
        const got = binary ? Buffer.from(result.rows[0][0]).toString('hex') : result.rows[0][0]
        const expected = binary ? asPgProtocolDecodesIt(type.binary_hex) : type.text_output
        if (result.fields[0].dataTypeID !== type.oid) {
          failures.push(`${type.sql_type}: type oid ${result.fields[0].dataTypeID}, expected ${type.oid}`)
        } else if (got !== expected) {
          failures.push(`${type.sql_type}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`)
        } else if (type.sql_type !== 'json') {
          const [[count]] = await rows(client, `select count(*)::int4 from ${TYPES} where ${type.column} = $1`, [type.text_output])
          if (count !== 1) failures.push(`${type.sql_type}: where ${type.column} = parameter matched ${count} rows`)
        }
      } catch (error) {
        failures.push(`${type.sql_type}: ${error.code || ''} ${error.message}`)
      }
    }
    // pg's own parsers on the text forms, and a Buffer parameter (sent in binary) into bytea.
    const [[flag, int4, float8, json, bytes]] = await rows(client, `select c_bool, c_int4, c_float8, c_jsonb, c_bytea from ${TYPES}`)
    if (flag !== true || int4 !== 2147483647 || float8 !== 3.141592653589793 || json.a[2].b !== null || bytes.toString('hex') !== '0001ff62696e5c') {
      failures.push(`pg's parsers: ${JSON.stringify([flag, int4, float8, json, bytes])}`)
    }
    await client.query(`update ${TYPES} set c_bytea = $1 where id = 1`, [Buffer.from('00ff10', 'hex')])
    const [[sent]] = await rows(client, `select c_bytea from ${TYPES}`)
    if (sent.toString('hex') !== '00ff10') failures.push(`bytea from a Buffer parameter: ${sent.toString('hex')}`)
  })
  failuresSummary(failures)
}

async function nulls() {
  await withClient(async (client) => {
    const columns = scenario.types.map((type) => `${type.column} ${type.sql_type}`).join(', ')
    await client.query(`create table ${NULLS} (id int4 primary key, ${columns})`)
    const names = scenario.types.map((type) => type.column)
    const placeholders = names.map((_, i) => `$${i + 2}`).join(', ')
    await client.query(`insert into ${NULLS} (id, ${names.join(', ')}) values ($1, ${placeholders})`,
      [1, ...names.map(() => null)])
    for (const binary of [false, true]) {
      const result = await client.query({ text: `select ${names.join(', ')} from ${NULLS} where id = $1`, values: [1], rowMode: 'array', binary })
      equal(result.rows[0], names.map(() => null), `NULL in every column (binary=${binary})`)
      equal(result.fields.map((field) => field.dataTypeID), scenario.types.map((type) => type.oid), 'type oids of NULL columns')
    }
    equal(await rows(client, `select count(*)::int4 from ${NULLS} where c_int4 is null and c_text is null`), [[1]], 'is null filter')
    equal(await rows(client, `select count(*)::int4 from ${NULLS} where c_int4 = $1`, [null]), [[0]], '= NULL parameter matches nothing')
    equal(await rows(client, 'select null::int4, coalesce(null::text, $1), $2::text is null', ['fallback', null]),
      [[null, 'fallback', true]], 'NULL expressions')
  })
}

async function stream100k() {
  await withClient(async (client) => {
    await client.query(`create table ${BIG} (id int4 primary key, label text)`)
    await client.query(`insert into ${BIG} (id, label) select g, 'row ' || g from generate_series(1, ${scenario.stream_rows}) g`)
    // pg-cursor: Execute with a row limit, PortalSuspended between batches, nothing buffered whole.
    const cursor = client.query(new Cursor(`select id, label from ${BIG} order by id`, [], { rowMode: 'array' }))
    let count = 0
    let total = 0
    let last = null
    let batches = 0
    for (;;) {
      const batch = await cursor.read(2500)
      if (batch.length === 0) break
      batches += 1
      for (const row of batch) {
        count += 1
        total += row[0]
        last = row
      }
    }
    await cursor.close()
    equal(count, scenario.stream_rows, 'rows streamed')
    equal(total, scenario.stream_rows * (scenario.stream_rows + 1) / 2, 'sum of ids streamed')
    equal(last, [scenario.stream_rows, `row ${scenario.stream_rows}`], 'last row')
    equal(batches, scenario.stream_rows / 2500, 'batches of 2500 rows')
  })
}

async function transactionRollback() {
  await withClient(async (client) => {
    await withClient(async (observer) => {
      await client.query(`create table ${ACCOUNTS} (id int4 primary key, balance int4 not null)`)
      await client.query('begin')
      await client.query(`insert into ${ACCOUNTS} values (1, 100)`)
      await client.query('rollback')
      equal(await rows(client, `select count(*)::int4 from ${ACCOUNTS}`), [[0]], 'rows after rollback')
      await client.query('begin')
      await client.query(`insert into ${ACCOUNTS} values (1, 100)`)
      equal(await rows(observer, `select count(*)::int4 from ${ACCOUNTS}`), [[0]], 'uncommitted row seen by another connection')
      await client.query('commit')
      equal(await rows(observer, `select balance from ${ACCOUNTS}`), [[100]], 'committed row seen by another connection')
    })
  })
}

async function failedTransaction25P02() {
  await withClient(async (client) => {
    await client.query('begin')
    await client.query(`insert into ${ACCOUNTS} values (2, 50)`)
    await expectSqlstate(client.query('select 1 / 0'), '22012', '1 / 0')
    await expectSqlstate(client.query('select 1'), '25P02', 'a statement in a failed transaction')
    await expectSqlstate(client.query({ text: 'select $1::int4', values: [1] }), '25P02', 'an extended-protocol statement in a failed transaction')
    await client.query('rollback')
    equal(await rows(client, `select count(*)::int4 from ${ACCOUNTS} where id = 2`), [[0]], 'row of the failed transaction')
  })
}

async function savepoints() {
  await withClient(async (client) => {
    await client.query(`delete from ${ACCOUNTS}`)
    await client.query('begin')
    await client.query(`insert into ${ACCOUNTS} values (10, 1)`)
    await client.query('savepoint s1')
    await client.query(`insert into ${ACCOUNTS} values (11, 1)`)
    await client.query('rollback to savepoint s1')
    await client.query(`insert into ${ACCOUNTS} values (12, 1)`)
    await client.query('savepoint s2')
    await expectSqlstate(client.query(`insert into ${ACCOUNTS} values (10, 1)`), '23505', 'a duplicate key')
    await client.query('rollback to savepoint s2')
    await client.query('release savepoint s2')
    await client.query(`insert into ${ACCOUNTS} values (14, 1)`)
    await client.query('commit')
    equal(await rows(client, `select id from ${ACCOUNTS} order by id`), [[10], [12], [14]], 'rows kept after savepoints')
  })
}

async function preparedReuse() {
  await withClient(async (client) => {
    // A named query is parsed once per connection and then only bound and executed.
    const text = `select id, name from ${ITEMS} where id = $1 and qty >= $2`
    for (let run = 0; run < scenario.prepared_runs; run++) {
      const expected = run % 2 === 0 ? [[1, 'apple']] : [[2, 'pear']]
      const result = await client.query({ name: 'drivers_by_id', text, values: [1 + (run % 2), run % 3], rowMode: 'array' })
      equal(result.rows, expected, `run ${run}`)
    }
    check(client.connection.parsedStatements.drivers_by_id === text, 'pg did not keep the named statement')
  })
}

async function errorSqlstate() {
  const failures = []
  await withClient(async (client) => {
    for (const { sql, sqlstate } of scenario.error_cases) {
      const text = sql.replaceAll('{items}', ITEMS).replaceAll('{prefix}', env.prefix)
      for (const extended of [false, true]) {
        try {
          await client.query(extended ? { text, values: [] } : text)
          failures.push(`${text} succeeded, expected ${sqlstate}`)
        } catch (error) {
          if (error.code !== sqlstate) failures.push(`${text}${extended ? ' (extended)' : ''}: ${error.code} (${error.message}), expected ${sqlstate}`)
        }
      }
    }
    equal(await rows(client, 'select 1'), [[1]], 'connection after the errors')
  })
  failuresSummary(failures)
}

async function copyIn() {
  await withClient(async (client) => {
    await client.query(`create table ${COPY} (${scenario.copy_columns})`)
    const stream = client.query(copyStreams.from(`copy ${COPY} (id, name, amount) from stdin`))
    await pipeline(Readable.from([scenario.copy_text]), stream)
    equal(await rows(client, `select id, name, amount from ${COPY} order by id`), COPY_ROWS, 'rows copied in')
  })
}

async function copyOut() {
  await withClient(async (client) => {
    // The rows again, inserted without COPY: this step does not depend on copy_in.
    await client.query(`delete from ${COPY}`)
    for (const row of COPY_ROWS) {
      await client.query(`insert into ${COPY} (id, name, amount) values ($1, $2, $3)`, row)
    }
    const chunks = []
    const sink = new Writable({ write(chunk, _encoding, done) { chunks.push(chunk); done() } })
    await pipeline(client.query(copyStreams.to(`copy (select id, name, amount from ${COPY} order by id) to stdout`)), sink)
    equal(Buffer.concat(chunks).toString(), scenario.copy_text, 'COPY TO STDOUT text')
  })
}

async function cancel() {
  await withClient(async (client) => {
    const started = Date.now()
    const running = client.query(scenario.cancel_sql)
    await new Promise((resolve) => setTimeout(resolve, scenario.cancel_after_seconds * 1000))
    // pg's cancel: another Client object opens a connection and sends CancelRequest with the
    // first one's process id and secret key.
    new pg.Client({ connectionString: env.dsn }).cancel(client, client.activeQuery) // activeQuery: deprecated, no other way in pg 8
    let timer
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer to the cancel')), scenario.cancel_within_seconds * 1000)
    })
    try {
      await expectSqlstate(Promise.race([running, timeout]), '57014', 'a cancelled query')
    } finally {
      clearTimeout(timer)
    }
    const elapsed = (Date.now() - started) / 1000
    check(elapsed < scenario.cancel_within_seconds, `the cancel took ${elapsed} s`)
    equal(await rows(client, 'select 1'), [[1]], 'connection after the cancel')
  })
}

async function introspection() {
  // node-postgres has no metadata API beyond a result's fields: tables are read as \d does.
  await withClient(async (client) => {
    const result = await client.query({ text: `select * from ${ITEMS} where false`, rowMode: 'array' })
    equal(result.fields.map((field) => [field.name, field.dataTypeID]),
      [['id', 23], ['name', 25], ['qty', 23], ['price', 701], ['created', 1082], ['note', 1043]], 'result fields')
    check(result.fields.every((field) => field.tableID > 0), 'fields carry no table oid')
    const sql = (template) => template.replaceAll('{table}', ITEMS)
    equal(await rows(client, sql(scenario.information_schema_sql)), scenario.items_information_schema, 'information_schema.columns')
    equal(await rows(client, sql(scenario.pg_attribute_sql)), scenario.items_format_type, 'pg_attribute with format_type')
    equal(await rows(client, sql(scenario.primary_key_sql)), [['id']], 'primary key from pg_index')
  })
}

async function pool() {
  const pool = new pg.Pool({ connectionString: env.dsn, max: 4 })
  try {
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) =>
      pool.query({ text: 'select $1::int4 * 2 as doubled', values: [i] })))
    equal(results.map((result) => result.rows[0].doubled), Array.from({ length: 16 }, (_, i) => i * 2), 'pooled results')
    const client = await pool.connect()
    try {
      await client.query(`create table ${NAMED} (id int4 primary key)`)
      await client.query('begin')
      await client.query(`insert into ${NAMED} values (1)`)
      await client.query('commit')
    } finally {
      client.release()
    }
    equal((await pool.query(`select count(*)::int4 as n from ${NAMED}`)).rows, [{ n: 1 }], 'row committed through the pool')
  } finally {
    await pool.end()
  }
}

const steps = [
  ['connect_trust', connectTrust],
  ['connect_md5', () => connectWithPassword('md5')],
  ['connect_scram', () => connectWithPassword('scram')],
  ['connect_tls', connectTls],
  ['ddl', ddl],
  ['insert_params', insertParams],
  ['types_text', () => roundTripTypes(false)],
  ['types_binary', () => roundTripTypes(true)],
  ['nulls', nulls],
  ['stream_100k', stream100k],
  ['transaction_rollback', transactionRollback],
  ['failed_transaction_25P02', failedTransaction25P02],
  ['savepoints', savepoints],
  ['prepared_reuse', preparedReuse],
  ['error_sqlstate', errorSqlstate],
  ['copy_in', copyIn],
  ['copy_out', copyOut],
  ['cancel', cancel],
  ['introspection', introspection],
  ['pool', pool],
]

async function main() {
  const versions = ['pg', 'pg-cursor', 'pg-copy-streams'].map((name) =>
    `${name} ${JSON.parse(fs.readFileSync(new URL(`node_modules/${name}/package.json`, import.meta.url))).version}`)
  emit({ version: `${versions.join(', ')} (node ${process.version})` })
  // A failure here is logged; each step then fails, or not, on its own.
  await dropTables().catch((error) => console.error('preparation failed (the steps go on):', error))
  for (const [step, run] of steps) {
    try {
      await run()
      emit({ step, status: 'pass', detail: '' })
    } catch (error) {
      if (error instanceof NotApplicable) {
        emit({ step, status: 'n/a', detail: error.message })
      } else {
        console.error(`${step}:`, error)
        emit({ step, status: 'fail', detail: `${error.code ? error.code + ' ' : ''}${error.message}` })
      }
    }
  }
}

// A failed query on a client that is being ended must not end the process before the report.
process.on('unhandledRejection', (error) => console.error('unhandled rejection:', error))
await main()
