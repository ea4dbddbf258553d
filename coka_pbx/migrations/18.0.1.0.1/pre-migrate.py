"""``coka.pbx.call.recording_downloaded_by`` is now ``recording_downloaded_by_id`` (issue 9).

Renamed before the registry loads, so the column, its field record and its translations keep
their data instead of a new empty column being created and the old one dropped.
"""


def migrate(cr, version):
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
         WHERE table_name = 'coka_pbx_call' AND column_name = 'recording_downloaded_by'
        """
    )
    if not cr.fetchone():
        return
    cr.execute(
        "ALTER TABLE coka_pbx_call "
        "RENAME COLUMN recording_downloaded_by TO recording_downloaded_by_id"
    )
    cr.execute(
        """
        UPDATE ir_model_fields SET name = 'recording_downloaded_by_id'
         WHERE model = 'coka.pbx.call' AND name = 'recording_downloaded_by'
        """
    )
    cr.execute(
        """
        UPDATE ir_model_data SET name = 'field_coka_pbx_call__recording_downloaded_by_id'
         WHERE module = 'coka_pbx' AND model = 'ir.model.fields'
           AND name = 'field_coka_pbx_call__recording_downloaded_by'
        """
    )
