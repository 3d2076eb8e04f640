"""The markup of the local pages (filled in by devstack.pages, which escapes every value)."""

from typing import Final

PAGE_STYLE: Final = """
  :root { --ink: #1d2a36; --muted: #5b6b79; --brand: #0f5c4d; --line: #d9e0e6; --soft: #f4f7f6; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); }
  header { background: var(--brand); color: #fff; padding: 14px 28px; display: flex; align-items: baseline; gap: 24px; }
  header strong { font-size: 20px; letter-spacing: .02em; }
  header nav a { color: #d8efe9; margin-right: 16px; text-decoration: none; }
  header nav a:hover { color: #fff; text-decoration: underline; }
  main { max-width: 980px; margin: 0 auto; padding: 24px 28px 60px; }
  h1 { font-size: 28px; margin: 8px 0 4px; }
  .lede { color: var(--muted); margin-top: 0; }
  form { display: grid; grid-template-columns: 1fr 1fr; gap: 14px 20px; margin-top: 18px; }
  label { display: flex; flex-direction: column; font-size: 14px; color: var(--muted); gap: 4px; }
  input, select, textarea { font: inherit; color: var(--ink); padding: 9px 10px;
                            border: 1px solid var(--line); border-radius: 6px; }
  textarea { min-height: 96px; }
  .wide { grid-column: 1 / -1; }
  fieldset { grid-column: 1 / -1; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px;
             display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 12px 16px; }
  legend { color: var(--muted); font-size: 14px; padding: 0 6px; }
  .check { flex-direction: row; align-items: center; gap: 8px; }
  button { grid-column: 1 / -1; justify-self: start; background: var(--brand); color: #fff; border: 0;
           border-radius: 6px; padding: 11px 26px; font: inherit; font-weight: 600; cursor: pointer; }
  .trap { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
  .answer { margin-top: 22px; background: var(--soft); border-radius: 8px; padding: 12px 16px; }
  pre { white-space: pre-wrap; word-break: break-word; margin: 6px 0 0; }
  .mail { border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; margin: 18px 0; }
  .mail h2 { font-size: 18px; margin: 0 0 6px; }
  .meta { display: grid; grid-template-columns: 60px 1fr; margin: 0 0 8px; font-size: 14px; }
  .meta dt { color: var(--muted); }
  .meta dd { margin: 0; }
  .links { font-size: 14px; padding-left: 18px; word-break: break-all; }
  iframe { width: 100%; min-height: 320px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
  .empty { color: var(--muted); }
"""

_HEADER: Final = """<header><strong>Demo Realty</strong>
<nav><a href="/_local/">Contact form</a><a href="/_local/mail">Mailbox</a>
<a href="/_local/events.json">Events</a><a href="/v1/openapi.json">OpenAPI</a></nav></header>"""

DEMO_PAGE: Final = (
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Demo Realty: contact us</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{style}</style></head>
<body>"""
    + _HEADER
    + """
<main>
<h1>Find your next home with Demo Realty</h1>
<p class="lede">Tell us what you are looking for and one of our agents will be in touch.
(A local demo: this form posts to the lead router running on this machine.)</p>
<form id="lead-form">
  <label class="wide">Company id (the brokerage this website belongs to)
    <input name="company_id_for_url" id="company-id" value="{company_id}" required></label>
  <label>First name <input name="first_name" autocomplete="given-name"></label>
  <label>Last name <input name="last_name" autocomplete="family-name"></label>
  <label>Email <input name="email" type="email" autocomplete="email"></label>
  <label>Phone <input name="phone" type="tel" autocomplete="tel"></label>
  <label class="wide">Message <textarea name="message">I would like to see this home this weekend.</textarea></label>
  <label>How did you find us?
    <select name="source">
      <option value="website">Our website</option><option value="zillow">Zillow</option>
      <option value="realtor.com">Realtor.com</option><option value="open-house">An open house</option>
      <option value="referral">A referral</option>
    </select></label>
  <label>Are you currently working with an agent?
    <select name="chosen_agent_id" id="agent-choice"><option value="">No, I am not</option></select></label>
  <label>Agent code (optional) <input name="agent_code"></label>
  <label>I want to
    <select name="interest.type"><option value="">(say nothing)</option><option value="buy">buy</option>
      <option value="sell">sell</option><option value="rent">rent</option></select></label>
  <fieldset><legend>The listing you are asking about (optional)</legend>
    <label>MLS number <input name="listing.mls_number"></label>
    <label>Listing agent's MLS id <input name="listing.listing_agent_mls_id"></label>
    <label class="check"><input type="checkbox" name="listing.exclusive" value="true"> An exclusive listing</label>
  </fieldset>
  <div class="trap" aria-hidden="true">
    <label>Website <input name="website" tabindex="-1" autocomplete="off"></label></div>
  <input type="hidden" name="page_url" id="page-url">
  <button type="submit">Send</button>
</form>
<section class="answer" id="answer" hidden><strong id="answer-status"></strong><pre id="answer-body"></pre></section>
</main>
<script>
(() => {
  const form = document.getElementById("lead-form");
  const companyInput = document.getElementById("company-id");
  const choice = document.getElementById("agent-choice");
  document.getElementById("page-url").value = location.href;
  const leadsUrl = () => "/v1/companies/" + encodeURIComponent(companyInput.value.trim());

  async function loadAgents() {
    while (choice.options.length > 1) choice.remove(1);
    if (!companyInput.value.trim()) return;
    try {
      const answer = await fetch(leadsUrl() + "/agents/directory");
      if (!answer.ok) return;
      const directory = await answer.json();
      for (const agent of directory.agents || []) {
        const option = document.createElement("option");
        option.value = String(agent.agent_id);
        option.textContent = "Yes: " + agent.display_name;
        choice.appendChild(option);
      }
    } catch (error) { /* the directory is optional for the form */ }
  }

  form.addEventListener("submit", async (submitted) => {
    submitted.preventDefault();
    const fields = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      // Like a website's form: every field is sent, except the optional nested ones left empty.
      if (name === "company_id_for_url" || (name.includes(".") && value === "")) continue;
      fields.append(name, value);
    }
    const answer = await fetch(leadsUrl() + "/leads", {
      method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded"},
      body: fields.toString(),
    });
    const text = await answer.text();
    let shown = text;
    try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (error) { /* not JSON */ }
    document.getElementById("answer").hidden = false;
    document.getElementById("answer-status").textContent = answer.status + " " + answer.statusText;
    document.getElementById("answer-body").textContent = shown;
  });
  companyInput.addEventListener("change", loadAgents);
  loadAgents();
})();
</script>
</body></html>
"""
)

MAIL_PAGE_START: Final = (
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Local mailbox</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{style}</style></head>
<body>"""
    + _HEADER
    + """
<main><h1>Mailbox</h1>
<p class="lede">{count} email(s) sent by the local stack, newest first. <a href="/_local/mail">Refresh</a>
&middot; <a href="/_local/mail.json">as JSON</a></p>
"""
)

MAIL_PAGE_END: Final = "</main></body></html>\n"
