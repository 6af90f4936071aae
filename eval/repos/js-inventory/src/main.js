'use strict';

const { Inventory } = require('./inventory');
const { createServer } = require('./server');

const port = Number(process.env.PORT || 3000);
createServer(new Inventory()).listen(port, () => console.log(`inventory listening on ${port}`));
