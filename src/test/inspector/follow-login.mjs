#!/usr/bin/env node
// The Inspector's "browser" (BROWSER=this file): it is handed the authorization URL and does what a user's browser
// does against `serve --auto-approve`: follows the redirects to the Inspector's loopback callback. Appends each URL
// it was handed to the file FOLLOW_LOGIN_LOG names, so the test can see what the Inspector asked for.
import { appendFileSync } from "node:fs";

const url = process.argv[2];
if (process.env.FOLLOW_LOGIN_LOG) appendFileSync(process.env.FOLLOW_LOGIN_LOG, url + "\n");
const response = await fetch(url, { redirect: "follow" });
await response.text();
if (!response.ok) {
  if (process.env.FOLLOW_LOGIN_LOG) appendFileSync(process.env.FOLLOW_LOGIN_LOG, `failed: ${response.status} at ${response.url}\n`);
  process.exit(1);
}
