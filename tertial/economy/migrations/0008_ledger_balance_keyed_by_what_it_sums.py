"""LedgerBalance keyed by unit, year, month, account, activity and project instead of an id.

Django makes no table change from a single primary key to a composite one, so the state
changes are declared here and the table is changed by hand: rebuilt on SQLite (which cannot
alter a primary key), altered on PostgreSQL. Decision 0004 says why.
"""

from django.db import migrations, models


def key_balances_by_what_they_sum(apps, schema_editor):
    balance = apps.get_model("economy", "LedgerBalance")
    table = balance._meta.db_table
    quote = schema_editor.quote_name
    key = ", ".join(
        quote(c) for c in ("unit_id", "year", "month", "account_id", "activity", "project")
    )
    if schema_editor.connection.vendor == "sqlite":
        create, _params = schema_editor.table_sql(balance)
        rebuilt = f"new__{table}"
        schema_editor.execute(create.replace(quote(table), quote(rebuilt), 1))
        columns = ", ".join(quote(f.column) for f in balance._meta.local_concrete_fields)
        schema_editor.execute(
            f"INSERT INTO {quote(rebuilt)} ({columns}) SELECT {columns} FROM {quote(table)}"
        )
        # The old table's index and data-version triggers go with it; the triggers are
        # created again after every migrate (tertial.web.dataversion).
        schema_editor.execute(f"DROP TABLE {quote(table)}")
        schema_editor.execute(f"ALTER TABLE {quote(rebuilt)} RENAME TO {quote(table)}")
    else:
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote('economy_led_unit_id_9b48a3_idx')}")
        schema_editor.execute(f"ALTER TABLE {quote(table)} DROP COLUMN {quote('id')}")
        schema_editor.execute(f"ALTER TABLE {quote(table)} ADD PRIMARY KEY ({key})")


class Migration(migrations.Migration):
    dependencies = [
        ("economy", "0007_ledger_one_index_no_autoincrement"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(
                    model_name="ledgerbalance",
                    name="economy_led_unit_id_9b48a3_idx",
                ),
                migrations.RemoveField(
                    model_name="ledgerbalance",
                    name="id",
                ),
                migrations.AddField(
                    model_name="ledgerbalance",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "unit",
                        "year",
                        "month",
                        "account",
                        "activity",
                        "project",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
            ],
        ),
        migrations.RunPython(key_balances_by_what_they_sum, elidable=False),
    ]
