/** Bad HTTP requests to the headless host: each refused before the service sees it. */
import { deepBundle } from './bundles'
import type { HttpBadInput } from './types'

const deleteBody = JSON.stringify({ ids: [1] })

export const httpBadInputs: Omit<HttpBadInput, 'channel'>[] = [
  {
    title: 'a POST without the token',
    request: { method: 'POST', path: '/api/deleteRuns', json: true, body: deleteBody },
    status: 401,
    field: 'x-lab-token',
    rule: 'needs its access token'
  },
  {
    title: 'a POST with a wrong token',
    request: {
      method: 'POST',
      path: '/api/deleteRuns',
      json: true,
      headers: { 'x-lab-token': 'guessed' },
      body: deleteBody
    },
    status: 401,
    field: 'x-lab-token',
    rule: 'needs its access token'
  },
  {
    title: 'the token in a cookie only',
    request: {
      method: 'POST',
      path: '/api/deleteRuns',
      json: true,
      headers: { cookie: 'lab_token={token}' },
      body: deleteBody
    },
    status: 401,
    field: 'x-lab-token',
    rule: 'needs its access token'
  },
  {
    title: 'a text/plain body (a no-cors fetch from another page)',
    request: {
      method: 'POST',
      path: '/api/deleteRuns',
      token: true,
      headers: { 'content-type': 'text/plain' },
      body: deleteBody
    },
    status: 415,
    field: 'Content-Type',
    rule: 'takes a JSON body, sent as Content-Type: application/json (got text/plain)'
  },
  {
    title: 'a form body',
    request: {
      method: 'POST',
      path: '/api/updateRun',
      token: true,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'id=1&name=x'
    },
    status: 415,
    field: 'Content-Type',
    rule: '(got application/x-www-form-urlencoded)'
  },
  {
    title: 'a request from a page on another local port',
    request: {
      method: 'POST',
      path: '/api/deleteRuns',
      token: true,
      json: true,
      headers: { origin: 'http://127.0.0.1:1' },
      body: deleteBody
    },
    status: 403,
    field: 'Origin',
    rule: 'comes from another origin (Origin: http://127.0.0.1:1)'
  },
  {
    title: 'a request another site sent',
    request: {
      method: 'POST',
      path: '/api/deleteRuns',
      token: true,
      json: true,
      headers: { 'sec-fetch-site': 'same-site' },
      body: deleteBody
    },
    status: 403,
    field: 'Sec-Fetch-Site',
    rule: 'comes from another site (Sec-Fetch-Site: same-site)'
  },
  {
    title: 'a body that is not JSON',
    request: { method: 'POST', path: '/api/deleteRuns', token: true, json: true, body: '{ids:[1]' },
    status: 400,
    field: 'body',
    rule: 'The request body is not valid JSON'
  },
  {
    title: 'a bundle of 50,000 nested arrays, over HTTP (it used to answer 500)',
    request: {
      method: 'POST',
      path: '/api/importBundle',
      token: true,
      json: true,
      body: JSON.stringify({ json: deepBundle })
    },
    status: 400,
    field: 'json',
    rule: 'it nests more than 64 levels deep'
  },
  {
    title: 'a GET of an API method',
    request: { method: 'GET', path: '/api/deleteRuns?ids=1', token: true },
    status: 405,
    field: 'method',
    rule: 'takes POST requests with a JSON body (got GET /api/deleteRuns)'
  },
  {
    title: 'a body over the limit of an API call',
    request: {
      method: 'POST',
      path: '/api/updateRun',
      token: true,
      json: true,
      body: JSON.stringify({ id: 1, notes: 'x'.repeat(3 * 1024 * 1024) })
    },
    status: 413,
    field: 'body',
    rule: 'the lab accepts at most 2.0 MB for an API call'
  },
  {
    title: 'a request through a name that is not loopback',
    request: {
      method: 'POST',
      path: '/api/deleteRuns',
      token: true,
      json: true,
      headers: { host: 'attacker.example:80' },
      body: deleteBody
    },
    status: 403,
    field: 'Host',
    rule: 'answers on 127.0.0.1 only'
  }
]
