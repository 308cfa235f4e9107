-- PostgreSQL twin of ../sqlite/0003_catalog_and_orders.sql.
-- The catalog (stored as data), billing profiles, orders with their lines, idempotency keys,
-- and what keyed purchases come with: product keys and the product's download files.

CREATE TABLE products (
    id                    TEXT COLLATE "C" PRIMARY KEY,
    name                  TEXT NOT NULL,
    kind                  TEXT COLLATE "C" NOT NULL,
    description           TEXT NOT NULL,
    unit                  TEXT NOT NULL,
    has_keys              BIGINT NOT NULL,
    azure_hybrid_benefit  BIGINT NOT NULL,
    sort_order            BIGINT NOT NULL
);

CREATE TABLE offers (
    id            TEXT COLLATE "C" PRIMARY KEY,
    product_id    TEXT COLLATE "C" NOT NULL REFERENCES products (id),
    sku_name      TEXT NOT NULL,
    term          TEXT COLLATE "C" NOT NULL,           -- 'P1Y', 'P3Y', or '' for perpetual software
    min_quantity  BIGINT NOT NULL,
    max_quantity  BIGINT NOT NULL,
    sort_order    BIGINT NOT NULL
);

-- One price list per currency; integer minor units.
CREATE TABLE offer_prices (
    offer_id          TEXT COLLATE "C" NOT NULL REFERENCES offers (id),
    currency          TEXT COLLATE "C" NOT NULL,
    unit_price_minor  BIGINT NOT NULL,
    PRIMARY KEY (offer_id, currency)
);

CREATE TABLE billing_profiles (
    partner_id      TEXT COLLATE "C" PRIMARY KEY REFERENCES partners (id),
    company_name    TEXT NOT NULL,
    address         TEXT NOT NULL,          -- lines separated by a line feed
    invoice_email   TEXT NOT NULL,
    payment_method  TEXT NOT NULL,
    -- Cancellations crediting more than this (major units of the order's currency) need a
    -- support request (R-CAN-6).
    refund_limit_major  BIGINT NOT NULL DEFAULT 25000
);

CREATE TABLE orders (
    id                     TEXT COLLATE "C" PRIMARY KEY,
    partner_id             TEXT COLLATE "C" NOT NULL REFERENCES partners (id),
    customer_id            TEXT COLLATE "C" NOT NULL REFERENCES customers (id),
    status                 TEXT COLLATE "C" NOT NULL,
    currency               TEXT COLLATE "C" NOT NULL,
    total_minor            BIGINT NOT NULL,
    tax_inclusive          BIGINT NOT NULL,
    placed_by              TEXT NOT NULL,
    purchase_order_number  TEXT,
    created_at             TEXT COLLATE "C" NOT NULL,
    cancellable_until      TEXT COLLATE "C"            -- NULL: can never be cancelled
);
CREATE INDEX orders_by_customer ON orders (customer_id, created_at);
CREATE INDEX orders_by_partner ON orders (partner_id, created_at);

-- A line with keys and downloads is a software purchase; its id is the purchase id.
CREATE TABLE order_lines (
    id                TEXT COLLATE "C" PRIMARY KEY,
    order_id          TEXT COLLATE "C" NOT NULL REFERENCES orders (id),
    line_no           BIGINT NOT NULL,
    offer_id          TEXT COLLATE "C" NOT NULL REFERENCES offers (id),
    product_id        TEXT COLLATE "C" NOT NULL REFERENCES products (id),
    product_name      TEXT NOT NULL,
    sku_name          TEXT NOT NULL,
    kind              TEXT COLLATE "C" NOT NULL,
    term              TEXT COLLATE "C" NOT NULL,
    quantity          BIGINT NOT NULL,
    unit_price_minor  BIGINT NOT NULL,
    amount_minor      BIGINT NOT NULL,
    has_keys          BIGINT NOT NULL,
    term_end          TEXT COLLATE "C",
    UNIQUE (order_id, line_no)
);

-- A key is unique per partner; its first use decides the order it stands for.
CREATE TABLE idempotency_keys (
    partner_id       TEXT COLLATE "C" NOT NULL REFERENCES partners (id),
    idempotency_key  TEXT COLLATE "C" NOT NULL,
    request_hash     TEXT COLLATE "C" NOT NULL,
    order_id         TEXT COLLATE "C" NOT NULL,
    created_at       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (partner_id, idempotency_key)
);

CREATE TABLE product_keys (
    purchase_id  TEXT COLLATE "C" NOT NULL REFERENCES order_lines (id),
    position     BIGINT NOT NULL,
    product_key  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (purchase_id, position)
);

-- The downloads of a product (ISO images and the like), stored once for every purchase.
CREATE TABLE software_files (
    id          TEXT COLLATE "C" PRIMARY KEY,
    product_id  TEXT COLLATE "C" NOT NULL REFERENCES products (id),
    file_name   TEXT NOT NULL,
    version     TEXT NOT NULL,
    language    TEXT NOT NULL,
    size_bytes  BIGINT NOT NULL,
    sha256      TEXT COLLATE "C" NOT NULL,
    content     BYTEA NOT NULL
);
CREATE INDEX software_files_by_product ON software_files (product_id);
