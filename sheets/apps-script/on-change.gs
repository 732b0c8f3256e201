/**
 * 物业前台台账 — installable trigger: tells the back office at once that staff edited the sheet, so the sync does
 * not wait for the next minute. The ping carries no data (the sync reads the sheet itself) and is signed with
 * HMAC-SHA256 over "<unix seconds>.<body>" with the shared key (the `sheets-ping` secret).
 *
 * Install (once per spreadsheet, by its owner):
 *   1. Extensions → Apps Script; paste this file; save.
 *   2. Project Settings → Script properties: PING_URL = https://<api>/sheets/ping, PING_KEY = <the sheets-ping key>.
 *   3. Triggers → Add trigger: function onSheetChange, event source "From spreadsheet", event type "On change";
 *      add a second trigger with event type "On edit" so typed cells and ticks sync at once too.
 *   4. Authorise when asked (the script only calls PING_URL).
 */
function onSheetChange(e) {
  var props = PropertiesService.getScriptProperties();
  var url = props.getProperty('PING_URL');
  var key = props.getProperty('PING_KEY');
  if (!url || !key) return;
  var body = JSON.stringify({
    spreadsheetId: SpreadsheetApp.getActiveSpreadsheet().getId(),
    changeType: (e && e.changeType) || 'EDIT',
  });
  var timestamp = Math.floor(Date.now() / 1000);
  var raw = Utilities.computeHmacSha256Signature(timestamp + '.' + body, key, Utilities.Charset.UTF_8);
  var signature = raw
    .map(function (b) {
      var v = (b < 0 ? b + 256 : b).toString(16);
      return v.length === 1 ? '0' + v : v;
    })
    .join('');
  UrlFetchApp.fetch(url, {
    method: 'post',
    contentType: 'application/json',
    payload: body,
    headers: { 'X-Sheets-Timestamp': String(timestamp), 'X-Sheets-Signature': signature },
    muteHttpExceptions: true,
  });
}
