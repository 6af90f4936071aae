'use strict';

const { loadConfig } = require('./config');
const { Inventory } = require('./inventory');
const { createServer } = require('./server');

const { port } = loadConfig();
createServer(new Inventory()).listen(port, () => console.log(`inventory listening on ${port}`));
