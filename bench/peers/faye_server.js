// Faye's Node adapter at /cometd, on 127.0.0.1, with its defaults but for the connect timeout:
// the benchmark measures it the way an application would mount it.
'use strict';
const http = require('http');
const faye = require('faye');

const port = Number(process.argv[2]);
const adapter = new faye.NodeAdapter({ mount: '/cometd', timeout: 30 });
const server = http.createServer();
server.keepAliveTimeout = 120000;
adapter.attach(server);
server.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => console.log('listening'));
