import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * The call's recording in the form (SPEC REP-4): an HTML audio player on the call's
 * recording route, which serves range requests and fetches the file from the PBX the first
 * time it is played (nothing is loaded before "play": `preload="none"`).
 */
export class RecordingPlayer extends Component {
    static template = "coka_pbx.RecordingPlayer";
    static props = { ...standardFieldProps };

    get src() {
        return `/coka_pbx/call/${this.props.record.resId}/recording`;
    }
}

export const recordingPlayer = {
    component: RecordingPlayer,
    displayName: "Call recording player",
    supportedTypes: ["many2one"],
};

registry.category("fields").add("coka_recording_player", recordingPlayer);
