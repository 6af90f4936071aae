import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeWorkspace, checkDataRequirements } from '../../../src/core/analysis';
import { extractModels } from '../../../src/core/analysis/data-models';
import { tempDir } from '../../support/temp';
import { STACKS_DIR } from './expectations';

const names = (models: { name: string }[]) => models.map((m) => m.name);

describe('analysis: data inventory', () => {
  it('reads SQL tables with their columns, skipping constraints and comments', () => {
    const [t] = extractModels('sql', '-- CREATE TABLE ghost (x int);\nCREATE TABLE IF NOT EXISTS "public"."users" (\n  id bigserial PRIMARY KEY,\n  email varchar(200) NOT NULL,\n  org_id int REFERENCES orgs(id),\n  CONSTRAINT u UNIQUE (email)\n);');
    assert.deepEqual(t, { name: 'users', kind: 'table', source: 'sql', columns: [{ name: 'id', type: 'bigserial' }, { name: 'email', type: 'varchar(200)' }, { name: 'org_id', type: 'int' }] });
  });

  it('reads Prisma, TypeORM, Sequelize and Mongoose models', () => {
    assert.deepEqual(names(extractModels('prisma', 'model User {\n  id Int @id\n  posts Post[]\n}\nmodel Post {\n  id Int @id\n}\n')), ['User', 'Post']);
    const typeorm = extractModels('typescript', "@Entity({ name: 'accounts' })\nexport class Account {\n  @PrimaryGeneratedColumn() id!: number;\n  @Column({ length: 50 })\n  owner: string;\n}\n");
    assert.deepEqual(typeorm, [{ name: 'accounts', kind: 'table', source: 'typeorm', columns: [{ name: 'id', type: 'number' }, { name: 'owner', type: 'string' }] }]);
    const seq = extractModels('javascript', "const Task = sequelize.define('Task', {\n  title: { type: DataTypes.STRING, allowNull: false },\n  done: DataTypes.BOOLEAN,\n});\nclass Tag extends Model {}\nTag.init({ label: DataTypes.STRING }, { sequelize, tableName: 'tags' });\n");
    assert.deepEqual(seq.map((m) => [m.name, m.columns.map((c) => c.name)]), [['Task', ['title', 'done']], ['tags', ['label']]]);
    const mongo = extractModels('javascript', "const mongoose = require('mongoose');\nconst catSchema = new mongoose.Schema({ name: String, age: { type: Number } });\nmodule.exports = mongoose.model('Cat', catSchema);\n");
    assert.deepEqual(mongo, [{ name: 'Cat', kind: 'collection', source: 'mongoose', columns: [{ name: 'name', type: 'string' }, { name: 'age', type: 'number' }] }]);
  });

  it('reads Django and SQLAlchemy models and ActiveRecord migrations', () => {
    const django = extractModels('python', 'from django.db import models\n\nclass Base(models.Model):\n    class Meta:\n        abstract = True\n\nclass Book(models.Model):\n    title = models.CharField(max_length=10)\n    author = models.ForeignKey("Author", on_delete=models.CASCADE)\n');
    assert.deepEqual(django, [{ name: 'Book', kind: 'model', source: 'django', columns: [{ name: 'title', type: 'CharField' }, { name: 'author', type: 'ForeignKey' }] }]);
    const sa = extractModels('python', 'class User(Base):\n    __tablename__ = "users"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    name = Column(String(30))\n');
    assert.deepEqual(sa[0]?.columns.map((c) => c.name), ['id', 'name']);
    assert.equal(sa[0]?.name, 'users');
    const ar = extractModels('ruby', 'create_table "line_items", force: :cascade do |t|\n  t.integer "quantity"\n  t.references :order\nend\n');
    assert.deepEqual(ar, [{ name: 'line_items', kind: 'table', source: 'activerecord', columns: [{ name: 'quantity', type: 'integer' }, { name: 'order', type: 'references' }] }]);
  });

  it('builds the inventory of a fixture and names the database in use', async () => {
    const profile = await analyzeWorkspace(path.join(STACKS_DIR, 'node-nextjs'));
    assert.deepEqual(names(profile.dataInventory.models).sort(), ['OrderItem', 'Product']);
    assert.ok(profile.dataInventory.databases.includes('prisma'));
    assert.equal(profile.dataInventory.models[0]?.path, 'prisma/schema.prisma');
  });

  it('reports the gaps between a recommendation and the declared data', async () => {
    const profile = await analyzeWorkspace(path.join(STACKS_DIR, 'python-django'));
    const gaps = checkDataRequirements(profile, { dataRequirements: { tables: ['products', 'product_categories', 'reviews'], features: ['caching of product pages', 'transactions', 'carbon footprint'] } });
    assert.deepEqual(
      gaps.map((g) => [g.kind, g.name, g.status]),
      [['table', 'product_categories', 'partial'], ['table', 'reviews', 'missing'], ['feature', 'caching of product pages', 'missing'], ['feature', 'carbon footprint', 'unknown']],
    );
    assert.deepEqual(gaps[0]!.candidates.sort(), ['Category', 'Product']);
  });

  it('takes an inventory alone, too', async () => {
    const dir = tempDir('analysis-data-');
    try {
      mkdirSync(path.join(dir.path, 'db'));
      writeFileSync(path.join(dir.path, 'db', 'schema.sql'), 'create table orders (id int);');
      const p = await analyzeWorkspace(dir.path);
      assert.deepEqual(checkDataRequirements(p.dataInventory, { dataRequirements: { tables: ['Order', 'Invoice'] } }).map((g) => g.name), ['Invoice']);
    } finally {
      dir.cleanup();
    }
  });
});
