//! Planning: a statement's translation, parameter and result types and description for the
//! current schema (cached on the statement per schema version), and starting its rows on the
//! worker. Statements that read the catalog are planned for the catalog database where the
//! backend keeps it apart (MySQL: translated for SQLite, prepared and run there).

use super::*;
use crate::backends::catalog_database::CatalogReads;
use crate::engine::catalog::first_user_relation;
use pgbridge_dialects::Target;

impl<C: BackendConnection> EngineSession<C> {
    /// The plan of a query inside another statement (`COPY (query) TO`, a cursor's query).
    pub(super) async fn plan_inner(
        &mut self,
        query: &sqlparser::ast::Statement,
        client_types: &[Option<PgType>],
    ) -> Result<(EngineStatement, Arc<Plan>), SqlError> {
        let script: TranslatedScript = Arc::new([TranslatedStatement {
            translation: translate(query, self.translations.target()),
            statement: query.clone(),
        }]);
        let inner = EngineStatement::new(script, 0)?;
        let plan = self.plan(&inner, client_types).await?;
        Ok((inner, plan))
    }

    /// Plans and starts a query inside another statement, with the statement's parameters.
    pub(super) async fn start_query(
        &mut self,
        query: &sqlparser::ast::Statement,
        parameters: Vec<Value>,
    ) -> Result<(Arc<Vec<Field>>, pgbridge_proxy::RowStream), SqlError> {
        let (inner, plan) = self.plan_inner(query, &[]).await?;
        self.free_worker().await;
        if inner.reads_catalog {
            self.worker.refresh_catalog().await?;
        }
        self.start_rows(&plan, parameters)
    }

    /// Starts a planned query on the worker; its rows stream lazily (and are spilled to memory
    /// if the worker is needed before the client has read them all).
    pub(super) fn start_rows(
        &mut self,
        plan: &Plan,
        parameters: Vec<Value>,
    ) -> Result<(Arc<Vec<Field>>, pgbridge_proxy::RowStream), SqlError> {
        let fields = plan
            .description
            .fields
            .clone()
            .unwrap_or_else(|| Arc::new(Vec::new()));
        let types = plan.output_types.clone();
        let (sql, arguments) = (plan.sql.clone(), plan.arguments(parameters));
        let receiver = match self.worker.catalog_reads() {
            CatalogReads::Apart(catalog) if plan.on_catalog => {
                catalog.query(sql, arguments, types)?
            }
            _ => self.worker.query(sql, arguments, types)?,
        };
        let (rows, open) = row_stream(receiver);
        self.open_rows = Some(open);
        Ok((fields, rows))
    }

    /// The declared modifier (`numeric(10,2)`, `varchar(20)`) of a result column that is a
    /// column of a table the statement reads, found by name; -1 when none or ambiguous.
    pub(super) fn column_modifier(&self, field: &Field, tables: &[String]) -> i32 {
        let mut found = tables
            .iter()
            .filter_map(|table| self.schema.get(table))
            .flatten()
            .flat_map(|columns| columns.iter())
            .filter(|(name, pg_type, modifier)| {
                *pg_type == field.pg_type
                    && *modifier != -1
                    && name.eq_ignore_ascii_case(&field.name)
            })
            .map(|(_, _, modifier)| *modifier);
        match (found.next(), found.next()) {
            (Some(modifier), None) => modifier,
            _ => -1,
        }
    }

    /// Loads the columns of the tables a statement names; returns those names.
    pub(super) async fn load_schema(
        &mut self,
        statement: &sqlparser::ast::Statement,
    ) -> Result<Vec<String>, SqlError> {
        self.load_schema_from(statement, false).await
    }

    /// [`Self::load_schema`], from the catalog database when the statement runs there.
    async fn load_schema_from(
        &mut self,
        statement: &sqlparser::ast::Statement,
        catalog_apart: bool,
    ) -> Result<Vec<String>, SqlError> {
        let version = self.schema_version.load(Ordering::Acquire);
        if version != self.schema_seen {
            self.schema.clear();
            self.schema_seen = version;
        }
        let mut relations = Relations(Vec::new());
        let _ = statement.visit(&mut relations);
        for table in &relations.0 {
            if !self.schema.contains_key(table) {
                let columns = match self.worker.catalog_reads() {
                    CatalogReads::Apart(catalog) if catalog_apart => {
                        catalog.table_columns(table.clone()).await?
                    }
                    _ => self.worker.table_columns(table.clone()).await?,
                };
                self.schema.insert(table.clone(), columns);
            }
        }
        Ok(relations.0)
    }

    pub(super) async fn plan(
        &mut self,
        statement: &EngineStatement,
        client_types: &[Option<PgType>],
    ) -> Result<Arc<Plan>, SqlError> {
        let version = self.schema_version.load(Ordering::Acquire);
        if let Some(plan) = statement
            .plan
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            && plan.schema_version == version
            && (client_types.is_empty() || plan.client_types == client_types)
        {
            return Ok(Arc::clone(plan));
        }
        self.free_worker().await;
        let apart = self.runs_apart(statement)?;
        let target = if apart {
            Target::Sqlite
        } else {
            // The translation is made again with the schema: it may depend on column types,
            // and a refusal may too (`DISTINCT ON .. *` needs the table's columns).
            self.translations.target()
        };
        let tables = self.load_schema_from(statement.ast(), apart).await?;
        let translation =
            translate_with_schema(statement.ast(), target, &SchemaCache(&self.schema))
                .map_err(|e| translate_error(&e))?;
        let inferred = infer(statement.ast(), &SchemaCache(&self.schema));
        let prepared = match self.worker.catalog_reads() {
            CatalogReads::Apart(catalog) if apart => {
                catalog.prepare(translation.sql.clone()).await?
            }
            _ => self.worker.prepare(translation.sql.clone()).await?,
        };
        // Positional `?` placeholders count uses, not parameters (`$1` twice is two `?`).
        let backend_count = if translation.parameter_order.is_empty() {
            prepared.parameter_count
        } else {
            0
        };
        let parameter_count = translation
            .parameter_count
            .max(backend_count)
            .max(client_types.len());
        let parameters = (0..parameter_count)
            .map(|i| {
                client_types
                    .get(i)
                    .copied()
                    .flatten()
                    .or_else(|| inferred.parameters.get(i).copied().flatten())
                    .unwrap_or(PgType::Text)
            })
            .collect();
        let from_ast = inferred
            .columns
            .filter(|columns| columns.len() == prepared.columns.len());
        let fields = if prepared.columns.is_empty() {
            None
        } else {
            let fields: Vec<Field> = prepared
                .columns
                .iter()
                .enumerate()
                .map(|(i, (name, declared))| {
                    let guess = from_ast.as_ref().map(|columns| &columns[i]);
                    let pg_type = guess
                        .and_then(|c| c.pg_type)
                        .or(*declared)
                        .unwrap_or(PgType::Text);
                    let name = guess.map_or_else(|| name.clone(), |c| c.name.clone());
                    let mut field = Field::new(name, pg_type);
                    field.type_modifier = match guess.map(|c| c.type_modifier) {
                        Some(modifier) if modifier != -1 => modifier,
                        _ => self.column_modifier(&field, &tables),
                    };
                    if let Some(Some((table_oid, column_number))) = prepared.origins.get(i) {
                        field.table_oid = *table_oid;
                        field.column_number = *column_number;
                    }
                    field
                })
                .collect();
            Some(Arc::new(fields))
        };
        let output_types = fields.as_deref().map_or_else(Vec::new, |fields| {
            fields
                .iter()
                .enumerate()
                .map(|(i, field)| {
                    let scale = from_ast.as_ref().and_then(|columns| columns[i].scale);
                    OutputType::of(field).with_scale(scale)
                })
                .collect()
        });
        let plan = Arc::new(Plan {
            client_types: client_types.to_vec(),
            output_types,
            sql: translation.sql,
            parameter_order: translation.parameter_order,
            description: Description { parameters, fields },
            schema_version: version,
            on_catalog: apart,
        });
        *statement
            .plan
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&plan));
        Ok(plan)
    }

    /// True when `statement` reads the catalog and the backend runs such reads on a catalog
    /// database apart (MySQL); then it is translated for SQLite and runs there. What cannot run
    /// there (anything but a query, or a query that also reads user tables) is refused, as are
    /// catalog reads on a backend that has no catalog.
    fn runs_apart(&self, statement: &EngineStatement) -> Result<bool, SqlError> {
        if !statement.reads_catalog {
            return Ok(false);
        }
        let backend = match self.worker.catalog_reads() {
            CatalogReads::Here => return Ok(false),
            CatalogReads::Refused(error) => return Err(error),
            CatalogReads::Apart(catalog) => catalog.backend(),
        };
        if !matches!(statement.ast(), sqlparser::ast::Statement::Query(_)) {
            return Err(SqlError::new(
                "0A000",
                format!(
                    "statements other than queries that use the PostgreSQL catalog are not \
                     supported on the {backend} backend"
                ),
            ));
        }
        if let Some(table) = first_user_relation(statement.ast()) {
            return Err(SqlError::new(
                "0A000",
                format!(
                    "a query that reads the PostgreSQL catalog and table \"{table}\" together is \
                     not supported on the {backend} backend: read them in separate queries"
                ),
            ));
        }
        Ok(true)
    }

    /// The registry entry of a view created by `statement` (`CREATE VIEW`): its columns with
    /// the types PostgreSQL would give them, inferred from its query, so that the catalog and
    /// the descriptions of queries over the view keep them (SQLite would only know affinities).
    pub(super) async fn view_change(
        &mut self,
        statement: &sqlparser::ast::Statement,
    ) -> Result<Option<SchemaChange>, SqlError> {
        let sqlparser::ast::Statement::CreateView(view) = statement else {
            return Ok(None);
        };
        let query = sqlparser::ast::Statement::Query(view.query.clone());
        let tables = self.load_schema(&query).await?;
        let Some(inferred) = infer(&query, &SchemaCache(&self.schema)).columns else {
            return Ok(None);
        };
        let columns = inferred
            .into_iter()
            .enumerate()
            .map(|(i, column)| {
                let name = view
                    .columns
                    .get(i)
                    .map_or(column.name, |renamed| renamed.name.value.clone());
                let pg_type = column.pg_type.unwrap_or(PgType::Text);
                let type_modifier =
                    self.column_modifier(&Field::new(name.clone(), pg_type), &tables);
                DeclaredColumn {
                    name,
                    pg_type,
                    type_modifier,
                }
            })
            .collect();
        Ok(Some(SchemaChange::CreateTable {
            table: view.name.0.last().map_or_else(String::new, |part| {
                part.as_ident()
                    .map_or_else(|| part.to_string(), |i| i.value.clone())
            }),
            columns,
        }))
    }
}
