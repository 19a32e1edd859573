// The CometD project's Node server (long-polling only) at any path, on 127.0.0.1, with its defaults.
'use strict';
const http = require('http');
const cometd = require('cometd-nodejs-server');

const port = Number(process.argv[2]);
const bayeux = cometd.createCometDServer({ timeout: 30000 });
const server = http.createServer(bayeux.handle);
server.keepAliveTimeout = 120000;
server.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => console.log('listening'));
