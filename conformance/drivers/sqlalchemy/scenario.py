"""The driver scenario with SQLAlchemy 2 on psycopg 3: Core (create_all, typed columns, bound
parameters, streaming with server-side cursors, nested transactions), the inspector (the
dialect's own pg_catalog queries), reflection, and the ORM (identity columns, relationships).

One JSON line per step on stdout (conformance/drivers/README.md); tracebacks go to stderr.
"""

from __future__ import annotations

import psycopg
import sqlalchemy
from sqlalchemy import (
    CHAR, JSON, REAL, BigInteger, Boolean, Column, Date, DateTime, Double, ForeignKey, Index,
    Integer, Interval, LargeBinary, MetaData, Numeric, SmallInteger, String, Table, Text, Time,
    Uuid, create_engine, delete, func, insert, inspect, select, text, update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, selectinload

import scenario_data as data
from scenario_data import NotApplicable, check, equal

env = data.Environment.from_os()
ITEMS, TYPES, NULLS, BIG, ACCOUNTS, AUTHORS, BOOKS = (
    env.table(name) for name in ("items", "types", "nulls", "big", "accounts", "authors", "books")
)


def engine_for(dsn: str = env.dsn, **options) -> sqlalchemy.Engine:
    """An engine without the dialect's hstore lookup (psycopg's TypeInfo.fetch('hstore') on
    connect), so that the steps after connect_trust test their own feature even where that
    lookup fails; connect_trust uses an engine with every default."""
    url = dsn.replace("postgresql://", "postgresql+psycopg://", 1)
    options.setdefault("use_native_hstore", False)
    return create_engine(url, connect_args={"connect_timeout": 10}, **options)


ENGINE = engine_for()
metadata = MetaData()

items = Table(
    ITEMS, metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False),
    Column("qty", Integer, server_default=text("0")),
    Column("price", Double),
    Column("created", Date),
    Column("note", String(40)),
    Index(f"{ITEMS}_name_idx", "name"),
)

# The scenario's types as SQLAlchemy column types, in scenario.json's order.
SQLALCHEMY_TYPES = {
    "c_bool": Boolean(), "c_int2": SmallInteger(), "c_int4": Integer(), "c_int8": BigInteger(),
    "c_float4": REAL(), "c_float8": Double(), "c_numeric": Numeric(), "c_numeric_scaled": Numeric(10, 2),
    "c_text": Text(), "c_varchar": String(20), "c_char": CHAR(5), "c_bytea": LargeBinary(),
    "c_date": Date(), "c_time": Time(), "c_timestamp": DateTime(), "c_timestamptz": DateTime(timezone=True),
    "c_interval": Interval(), "c_uuid": Uuid(), "c_json": JSON(), "c_jsonb": JSONB(),
}


def typed_table(name: str) -> Table:
    columns = [Column(column, SQLALCHEMY_TYPES[column]) for column, *_ in data.TYPE_CASES]
    return Table(name, metadata, Column("id", Integer, primary_key=True, autoincrement=False), *columns)


types_table = typed_table(TYPES)
nulls_table = typed_table(NULLS)
big = Table(BIG, metadata, Column("id", Integer, primary_key=True, autoincrement=False), Column("label", Text))
accounts = Table(ACCOUNTS, metadata, Column("id", Integer, primary_key=True, autoincrement=False),
                 Column("balance", Integer, nullable=False))


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = AUTHORS
    id: Mapped[int] = mapped_column(primary_key=True)  # SERIAL: the id comes from RETURNING
    name: Mapped[str] = mapped_column(String(60), unique=True)
    books: Mapped[list["Book"]] = relationship(back_populates="author", cascade="all, delete-orphan",
                                               order_by="Book.id")


class Book(Base):
    __tablename__ = BOOKS
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    year: Mapped[int | None]
    author_id: Mapped[int] = mapped_column(ForeignKey(f"{AUTHORS}.id"))
    author: Mapped[Author] = relationship(back_populates="books")


def drop_tables() -> None:
    with ENGINE.begin() as conn:
        for table in (BOOKS, AUTHORS, ITEMS, TYPES, NULLS, BIG, ACCOUNTS):
            conn.execute(text(f"drop table if exists {table}"))


def sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


# ---------------------------------------------------------------------------------------------


def connect_trust() -> None:
    # The first connect runs the dialect's initialize(): version(), current_schema(),
    # standard_conforming_strings.
    engine = engine_for(use_native_hstore=True, poolclass=sqlalchemy.pool.NullPool)
    with engine.connect() as conn:
        equal(conn.scalar(text("select 1")), 1, "select 1")
        check(engine.dialect.server_version_info >= (9,), f"server_version_info {engine.dialect.server_version_info}")
        equal(engine.dialect.default_schema_name, "public", "default schema")


def connect_with_password(method: str) -> None:
    dsn = env.auth_dsn(method)
    engine = engine_for(dsn, poolclass=sqlalchemy.pool.NullPool)
    with engine.connect() as conn:
        equal(conn.scalar(text("select 2 + 3")), 5, "select 2 + 3")
    try:
        engine_for(data.wrong_password(dsn), poolclass=sqlalchemy.pool.NullPool).connect().close()
    except OperationalError as error:
        check("password authentication failed" in str(error.orig), f"wrong password refused with: {error.orig}")
    else:
        raise AssertionError("a wrong password was accepted")


def connect_tls() -> None:
    engine = engine_for(env.auth_dsn("tls"), poolclass=sqlalchemy.pool.NullPool)
    with engine.connect() as conn:
        check(conn.connection.driver_connection.pgconn.ssl_in_use, "the connection is not encrypted")
        equal(conn.scalar(text("select 1")), 1, "select 1 over TLS")


def ddl() -> None:
    tables = [items, types_table, nulls_table, big, accounts]
    metadata.create_all(ENGINE, tables=tables)  # checks each table (pg_class) before CREATE
    inspector = inspect(ENGINE)
    for table in tables:
        check(inspector.has_table(table.name), f"has_table({table.name}) after create_all")
    metadata.drop_all(ENGINE, tables=[accounts])
    check(not inspect(ENGINE).has_table(ACCOUNTS), "has_table after drop_all")
    metadata.create_all(ENGINE, tables=tables)  # only the missing one is created again
    with ENGINE.begin() as conn:
        equal(conn.execute(select(items)).all(), [], "rows of a new table")


def create_missing(tables: list[Table]) -> None:
    """The tables that ddl/orm_create_all should have made, made without the existence check
    (whose pg_catalog query is what create_all may fail on), so later steps test their own
    feature; a table that exists already is left as it is."""
    for table in tables:
        try:
            table.create(ENGINE, checkfirst=False)
        except DBAPIError as error:
            if sqlstate(error) != "42P07":
                raise


def insert_params() -> None:
    with ENGINE.begin() as conn:
        conn.execute(insert(items), {"id": 1, "name": "apple", "qty": 3, "price": 0.5,
                                     "created": data.dt.date(2024, 1, 31)})
        conn.execute(insert(items), [
            {"id": 2, "name": "pear", "qty": 5, "price": 0.75},
            {"id": 3, "name": "plum", "qty": None, "price": None},
            {"id": 4, "name": "fig's", "qty": 7, "price": 1.25},
        ])
        rows = conn.execute(select(items.c.id, items.c.name, items.c.qty, items.c.price, items.c.created)
                            .where(items.c.qty > 4).order_by(items.c.id)).all()
        equal([tuple(row) for row in rows], [(2, "pear", 5, 0.75, None), (4, "fig's", 7, 1.25, None)], "select where qty > 4")
        result = conn.execute(update(items).where(items.c.name == "apple").values(qty=items.c.qty + 10))
        equal(result.rowcount, 1, "rowcount of update")
        row = conn.execute(insert(items).values(id=5, name="kiwi").returning(items.c.id, items.c.name, items.c.qty)).one()
        equal(tuple(row), (5, "kiwi", 0), "insert returning (qty has server default 0)")
        equal(conn.execute(delete(items).where(items.c.id == 3).returning(items.c.name)).all(), [("plum",)], "delete returning")
        equal([tuple(row) for row in conn.execute(select(items.c.id, items.c.qty).order_by(items.c.id))],
              [(1, 13), (2, 5), (4, 7), (5, 0)], "rows after update and delete")


def types_text() -> None:
    failures = []
    with ENGINE.connect() as conn:
        conn.execute(text("set time zone 'UTC'"))
        conn.execute(insert(types_table).values(id=1))
        conn.commit()
        for column, sql_type, _oid, sent, expected in data.TYPE_CASES:
            try:
                conn.execute(update(types_table).where(types_table.c.id == 1).values({column: sent}))
                got = conn.scalar(select(types_table.c[column]).where(types_table.c.id == 1))
                conn.commit()
                if not data.same_value(got, expected):
                    failures.append(f"{sql_type}: got {got!r}, expected {expected!r}")
                elif sql_type not in ("json", "jsonb"):
                    count = conn.scalar(select(func.count()).select_from(types_table).where(types_table.c[column] == expected))
                    if count != 1:
                        failures.append(f"{sql_type}: where {column} = parameter matched {count} rows")
            except DBAPIError as error:
                conn.rollback()
                failures.append(f"{sql_type}: {data.one_line(error.orig)}")
    data.failures_summary(failures)


def types_binary() -> None:
    raise NotApplicable("SQLAlchemy's psycopg dialect reads results through psycopg's text cursors "
                        "(binary results are in the psycopg client's column)")


def nulls() -> None:
    with ENGINE.begin() as conn:
        names = [column for column, *_ in data.TYPE_CASES]
        conn.execute(insert(nulls_table), {"id": 1, **{name: None for name in names}})
        row = conn.execute(select(*[nulls_table.c[name] for name in names]).where(nulls_table.c.id == 1)).one()
        equal(list(row), [None] * len(names), "NULL in every column")
        equal(conn.scalar(select(func.count()).select_from(nulls_table)
                          .where(nulls_table.c.c_int4.is_(None), nulls_table.c.c_text.is_(None))), 1, "is null filter")
        equal(conn.scalar(select(func.count()).select_from(nulls_table).where(nulls_table.c.c_int4 == sqlalchemy.bindparam("nothing", None, type_=Integer))),
              0, "= NULL matches nothing")


def stream_100k() -> None:
    with ENGINE.begin() as conn:
        conn.execute(text(f"insert into {BIG} (id, label) select g, 'row ' || g "
                          f"from generate_series(1, {data.STREAM_ROWS}) g"))
    with ENGINE.connect() as conn:
        # stream_results: a server-side (named) cursor, yield_per rows fetched at a time.
        result = conn.execution_options(stream_results=True, yield_per=2000).execute(
            select(big.c.id, big.c.label).order_by(big.c.id))
        count, total, last = 0, 0, None
        for row_id, label in result:
            count += 1
            total += row_id
            last = (row_id, label)
        equal(count, data.STREAM_ROWS, "rows streamed")
        equal(total, data.STREAM_ROWS * (data.STREAM_ROWS + 1) // 2, "sum of ids streamed")
        equal(last, (data.STREAM_ROWS, f"row {data.STREAM_ROWS}"), "last row")


def transaction_rollback() -> None:
    with ENGINE.connect() as conn, ENGINE.connect() as observer:
        transaction = conn.begin()
        conn.execute(insert(accounts), {"id": 1, "balance": 100})
        transaction.rollback()
        equal(conn.scalar(select(func.count()).select_from(accounts)), 0, "rows after rollback")
        conn.rollback()
        with conn.begin():
            conn.execute(insert(accounts), {"id": 1, "balance": 100})
            equal(observer.scalar(select(func.count()).select_from(accounts)), 0, "uncommitted row seen by another connection")
            observer.rollback()
        equal(observer.execute(select(accounts.c.balance)).all(), [(100,)], "committed row seen by another connection")


def failed_transaction_25p02() -> None:
    with ENGINE.connect() as conn:
        transaction = conn.begin()
        conn.execute(insert(accounts), {"id": 2, "balance": 50})
        try:
            conn.execute(text("select 1 / 0"))
            raise AssertionError("1 / 0 did not fail")
        except DBAPIError as error:
            equal(sqlstate(error), "22012", "SQLSTATE of 1 / 0")
        try:
            conn.execute(text("select 1"))
            raise AssertionError("a statement after an error in a transaction succeeded")
        except DBAPIError as error:
            equal(sqlstate(error), "25P02", "SQLSTATE of a statement in a failed transaction")
        transaction.rollback()
        equal(conn.scalar(select(func.count()).select_from(accounts).where(accounts.c.id == 2)), 0,
              "row of the failed transaction")


def savepoints() -> None:
    with ENGINE.begin() as conn:
        conn.execute(delete(accounts))
        conn.execute(insert(accounts), {"id": 10, "balance": 1})
        nested = conn.begin_nested()
        conn.execute(insert(accounts), {"id": 11, "balance": 1})
        nested.rollback()
        conn.execute(insert(accounts), {"id": 12, "balance": 1})
        try:
            with conn.begin_nested():
                conn.execute(insert(accounts), {"id": 10, "balance": 1})
            raise AssertionError("a duplicate key was accepted")
        except IntegrityError as error:
            equal(sqlstate(error), "23505", "SQLSTATE of a duplicate key")
        with conn.begin_nested():
            conn.execute(insert(accounts), {"id": 14, "balance": 1})
    with ENGINE.connect() as conn:
        equal(conn.execute(select(accounts.c.id).order_by(accounts.c.id)).all(), [(10,), (12,), (14,)],
              "rows kept after savepoints")


def prepared_reuse() -> None:
    with ENGINE.connect() as conn:
        query = select(items.c.id, items.c.name).where(items.c.id == sqlalchemy.bindparam("id"),
                                                       items.c.qty >= sqlalchemy.bindparam("qty"))
        for run in range(data.PREPARED_RUNS):
            expected = [(1, "apple")] if run % 2 == 0 else [(2, "pear")]
            equal([tuple(row) for row in conn.execute(query, {"id": 1 + run % 2, "qty": run % 3})], expected, f"run {run}")
        # The same SQL string each time: psycopg auto-prepared it past its threshold.
        driver = conn.connection.driver_connection
        check(len(driver._prepared._names) >= 1, "psycopg prepared no statement under SQLAlchemy")


def error_sqlstate() -> None:
    failures = []
    with ENGINE.connect() as conn:
        for statement, expected in data.ERROR_CASES:
            sql = statement.format(items=ITEMS, prefix=env.prefix)
            try:
                conn.execute(text(sql))
                failures.append(f"{sql!r} succeeded, expected {expected}")
            except DBAPIError as error:
                if sqlstate(error) != expected:
                    failures.append(f"{sql!r}: {sqlstate(error)} ({error.orig}), expected {expected}")
            conn.rollback()
        equal(conn.scalar(text("select 1")), 1, "connection after the errors")
    data.failures_summary(failures)


def no_copy() -> None:
    raise NotApplicable("SQLAlchemy has no COPY API (psycopg's is in the psycopg client's column)")


def no_cancel() -> None:
    raise NotApplicable("SQLAlchemy has no cancel API (psycopg's is in the psycopg client's column)")


def introspection() -> None:
    inspector = inspect(ENGINE)
    check(ITEMS in inspector.get_table_names(), f"{ITEMS} not in get_table_names()")
    columns = inspector.get_columns(ITEMS)
    equal([(column["name"], str(column["type"]), column["nullable"]) for column in columns],
          [("id", "INTEGER", False), ("name", "TEXT", False), ("qty", "INTEGER", True),
           ("price", "DOUBLE PRECISION", True), ("created", "DATE", True), ("note", "VARCHAR(40)", True)],
          "get_columns")
    equal(columns[2]["default"], "0", "server default of qty")
    equal(inspector.get_pk_constraint(ITEMS)["constrained_columns"], ["id"], "get_pk_constraint")
    equal([(index["name"], index["column_names"], index["unique"]) for index in inspector.get_indexes(ITEMS)],
          [(f"{ITEMS}_name_idx", ["name"], False)], "get_indexes")


def orm_create_all() -> None:
    Base.metadata.create_all(ENGINE)
    inspector = inspect(ENGINE)
    equal(inspector.get_pk_constraint(BOOKS)["constrained_columns"], ["id"], "books primary key")
    foreign_keys = inspector.get_foreign_keys(BOOKS)
    equal([(key["constrained_columns"], key["referred_table"], key["referred_columns"]) for key in foreign_keys],
          [(["author_id"], AUTHORS, ["id"])], "books foreign key")
    equal([constraint["column_names"] for constraint in inspector.get_unique_constraints(AUTHORS)], [["name"]],
          "authors unique constraint")


def orm_crud() -> None:
    with Session(ENGINE) as session:
        ada = Author(name="Ada", books=[Book(title="Notes", year=1843), Book(title="Letters", year=None)])
        alan = Author(name="Alan", books=[Book(title="Computable Numbers", year=1936)])
        session.add_all([ada, alan])
        session.commit()
        check(ada.id is not None and alan.id != ada.id, f"serial ids {ada.id}, {alan.id}")
        check(all(book.id is not None for book in ada.books), "book ids from RETURNING")
    with Session(ENGINE) as session:
        authors = session.scalars(select(Author).options(selectinload(Author.books)).order_by(Author.name)).all()
        equal([(author.name, [book.title for book in author.books]) for author in authors],
              [("Ada", ["Notes", "Letters"]), ("Alan", ["Computable Numbers"])], "authors with their books")
        titles = session.execute(select(Book.title, Author.name).join(Book.author).where(Book.year > 1900)).all()
        equal([tuple(row) for row in titles], [("Computable Numbers", "Alan")], "join with a filter")
        book = session.scalars(select(Book).where(Book.title == "Letters")).one()
        book.year = 1842
        session.delete(authors[1])  # cascades to Alan's book
        session.commit()
    with Session(ENGINE) as session:
        equal(session.scalar(select(func.count()).select_from(Book)), 2, "books after the delete cascade")
        equal(session.scalar(select(Book.year).where(Book.title == "Letters")), 1842, "updated year")
        try:
            session.add(Author(name="Ada"))
            session.commit()
            raise AssertionError("a duplicate author name was accepted")
        except IntegrityError as error:
            equal(sqlstate(error), "23505", "SQLSTATE of the unique violation")
            session.rollback()
        equal(session.scalar(select(func.count()).select_from(Author)), 1, "authors after the rollback")


def reflection() -> None:
    reflected = MetaData()
    reflected.reflect(ENGINE, only=[ITEMS, AUTHORS, BOOKS])
    table = reflected.tables[ITEMS]
    equal([column.name for column in table.columns], ["id", "name", "qty", "price", "created", "note"], "reflected columns")
    equal([column.name for column in table.primary_key], ["id"], "reflected primary key")
    check(isinstance(table.c.note.type, String) and table.c.note.type.length == 40, f"note type {table.c.note.type!r}")
    books = reflected.tables[BOOKS]
    equal([(key.parent.name, key.column.table.name) for key in books.foreign_keys], [("author_id", AUTHORS)],
          "reflected foreign key")
    # A reflected table works for Core statements.
    with ENGINE.connect() as conn:
        equal(conn.scalar(select(func.count()).select_from(table)), 4, "count through the reflected table")


def main() -> None:
    data.report_version(f"SQLAlchemy {sqlalchemy.__version__} on psycopg {psycopg.__version__}")
    data.before_steps(drop_tables)
    data.run_steps([
        ("connect_trust", connect_trust),
        ("connect_md5", lambda: connect_with_password("md5")),
        ("connect_scram", lambda: connect_with_password("scram")),
        ("connect_tls", connect_tls),
        ("ddl", ddl),
        ("", lambda: data.before_steps(lambda: create_missing([items, types_table, nulls_table, big, accounts]))),
        ("insert_params", insert_params),
        ("types_text", types_text),
        ("types_binary", types_binary),
        ("nulls", nulls),
        ("stream_100k", stream_100k),
        ("transaction_rollback", transaction_rollback),
        ("failed_transaction_25P02", failed_transaction_25p02),
        ("savepoints", savepoints),
        ("prepared_reuse", prepared_reuse),
        ("error_sqlstate", error_sqlstate),
        ("copy_in", no_copy),
        ("copy_out", no_copy),
        ("cancel", no_cancel),
        ("introspection", introspection),
        ("orm_create_all", orm_create_all),
        ("", lambda: data.before_steps(lambda: create_missing(list(Base.metadata.sorted_tables)))),
        ("orm_crud", orm_crud),
        ("reflection", reflection),
    ])


if __name__ == "__main__":
    main()
