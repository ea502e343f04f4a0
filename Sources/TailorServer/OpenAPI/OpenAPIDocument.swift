/// The OpenAPI 3.1 document of Tailor's HTTP API, served at `/openapi.json`. `OpenAPIDocumentTests` checks that
/// every route the server registers is in it and that every operation in it is answered by a route.
enum OpenAPIDocument {
    static let json = #"""
{
 "openapi": "3.1.0",
 "info": {
  "title": "Tailor",
  "version": "1",
  "description": "Tailor's HTTP API: the Segment-compatible tracking API (write key), the admin API (the admin key or a named key with the operation's scope), and the mail links. Errors are JSON bodies naming the field; they never echo the values sent."
 },
 "servers": [
  {
   "url": "/"
  }
 ],
 "paths": {
  "/healthz": {
   "get": {
    "summary": "Liveness",
    "tags": [
     "operations"
    ],
    "operationId": "health",
    "security": [],
    "responses": {
     "200": {
      "description": "the server answers",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    }
   }
  },
  "/metrics": {
   "get": {
    "summary": "Prometheus metrics",
    "tags": [
     "operations"
    ],
    "operationId": "metrics",
    "security": [],
    "responses": {
     "200": {
      "description": "metrics in the Prometheus text format",
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     }
    }
   }
  },
  "/openapi.json": {
   "get": {
    "summary": "This document",
    "tags": [
     "operations"
    ],
    "operationId": "openapi",
    "security": [],
    "responses": {
     "200": {
      "description": "the OpenAPI document",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    }
   }
  },
  "/tailor.js": {
   "get": {
    "summary": "The tracking script for web pages",
    "description": "tailor.js: identify, track, page and reset, an anonymous id cookie, batching to /v1/batch, a beacon when the page is hidden (docs/TRACKING.md). Cached for an hour, then revalidated by its ETag; gzip when the browser accepts it.",
    "tags": [
     "tracking"
    ],
    "operationId": "trackingScript",
    "security": [],
    "parameters": [
     {
      "name": "If-None-Match",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "the ETag of a copy the browser holds"
     }
    ],
    "responses": {
     "200": {
      "description": "the script",
      "content": {
       "text/javascript": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "304": {
      "description": "the copy named by If-None-Match is current"
     }
    }
   }
  },
  "/v1/identify": {
   "post": {
    "summary": "Record a identify message (Segment spec)",
    "tags": [
     "tracking"
    ],
    "operationId": "track_identify",
    "security": [
     {
      "writeKey": []
     }
    ],
    "responses": {
     "200": {
      "description": "stored (or stored before: the same messageId)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Success"
        }
       }
      }
     },
     "400": {
      "description": "malformed JSON or message; the path names the field",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing or unknown write key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "408": {
      "description": "the body did not arrive in time",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "at capacity; retry after the delay",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "a browser call from an origin that TAILOR_TRACKING_ORIGINS does not list (docs/TRACKING.md)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Message"
       }
      }
     }
    }
   }
  },
  "/v1/track": {
   "post": {
    "summary": "Record a track message (Segment spec)",
    "tags": [
     "tracking"
    ],
    "operationId": "track_track",
    "security": [
     {
      "writeKey": []
     }
    ],
    "responses": {
     "200": {
      "description": "stored (or stored before: the same messageId)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Success"
        }
       }
      }
     },
     "400": {
      "description": "malformed JSON or message; the path names the field",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing or unknown write key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "408": {
      "description": "the body did not arrive in time",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "at capacity; retry after the delay",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "a browser call from an origin that TAILOR_TRACKING_ORIGINS does not list (docs/TRACKING.md)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Message"
       }
      }
     }
    }
   }
  },
  "/v1/page": {
   "post": {
    "summary": "Record a page message (Segment spec)",
    "tags": [
     "tracking"
    ],
    "operationId": "track_page",
    "security": [
     {
      "writeKey": []
     }
    ],
    "responses": {
     "200": {
      "description": "stored (or stored before: the same messageId)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Success"
        }
       }
      }
     },
     "400": {
      "description": "malformed JSON or message; the path names the field",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing or unknown write key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "408": {
      "description": "the body did not arrive in time",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "at capacity; retry after the delay",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "a browser call from an origin that TAILOR_TRACKING_ORIGINS does not list (docs/TRACKING.md)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Message"
       }
      }
     }
    }
   }
  },
  "/v1/screen": {
   "post": {
    "summary": "Record a screen message (Segment spec)",
    "tags": [
     "tracking"
    ],
    "operationId": "track_screen",
    "security": [
     {
      "writeKey": []
     }
    ],
    "responses": {
     "200": {
      "description": "stored (or stored before: the same messageId)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Success"
        }
       }
      }
     },
     "400": {
      "description": "malformed JSON or message; the path names the field",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing or unknown write key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "408": {
      "description": "the body did not arrive in time",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "at capacity; retry after the delay",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "a browser call from an origin that TAILOR_TRACKING_ORIGINS does not list (docs/TRACKING.md)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Message"
       }
      }
     }
    }
   }
  },
  "/v1/group": {
   "post": {
    "summary": "Record a group message (Segment spec)",
    "tags": [
     "tracking"
    ],
    "operationId": "track_group",
    "security": [
     {
      "writeKey": []
     }
    ],
    "responses": {
     "200": {
      "description": "stored (or stored before: the same messageId)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Success"
        }
       }
      }
     },
     "400": {
      "description": "malformed JSON or message; the path names the field",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing or unknown write key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "408": {
      "description": "the body did not arrive in time",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "at capacity; retry after the delay",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "a browser call from an origin that TAILOR_TRACKING_ORIGINS does not list (docs/TRACKING.md)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Message"
       }
      }
     }
    }
   }
  },
  "/v1/alias": {
   "post": {
    "summary": "Record a alias message (Segment spec)",
    "tags": [
     "tracking"
    ],
    "operationId": "track_alias",
    "security": [
     {
      "writeKey": []
     }
    ],
    "responses": {
     "200": {
      "description": "stored (or stored before: the same messageId)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Success"
        }
       }
      }
     },
     "400": {
      "description": "malformed JSON or message; the path names the field",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing or unknown write key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "408": {
      "description": "the body did not arrive in time",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "at capacity; retry after the delay",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "a browser call from an origin that TAILOR_TRACKING_ORIGINS does not list (docs/TRACKING.md)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Message"
       }
      }
     }
    }
   }
  },
  "/v1/batch": {
   "post": {
    "summary": "Record a batch of messages",
    "tags": [
     "tracking"
    ],
    "operationId": "batch",
    "security": [
     {
      "writeKey": []
     }
    ],
    "responses": {
     "200": {
      "description": "stored",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Success"
        }
       }
      }
     },
     "400": {
      "description": "malformed batch; the path and index name the message",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing or unknown write key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "408": {
      "description": "the body did not arrive in time",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "at capacity; retry after the delay",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "a browser call from an origin that TAILOR_TRACKING_ORIGINS does not list (docs/TRACKING.md)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Batch"
       }
      },
      "text/plain": {
       "schema": {
        "$ref": "#/components/schemas/Batch"
       }
      }
     }
    },
    "description": "The batch tailor.js sends. The body is JSON whatever its content type: navigator.sendBeacon sends it as text/plain, which also spares browsers a CORS preflight. Browsers may call every tracking route from any origin, or from those TAILOR_TRACKING_ORIGINS lists (docs/TRACKING.md)."
   }
  },
  "/v1/import": {
   "post": {
    "summary": "Record a batch of messages",
    "tags": [
     "tracking"
    ],
    "operationId": "import",
    "security": [
     {
      "writeKey": []
     }
    ],
    "responses": {
     "200": {
      "description": "stored",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Success"
        }
       }
      }
     },
     "400": {
      "description": "malformed batch; the path and index name the message",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing or unknown write key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "408": {
      "description": "the body did not arrive in time",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "at capacity; retry after the delay",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "a browser call from an origin that TAILOR_TRACKING_ORIGINS does not list (docs/TRACKING.md)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Batch"
       }
      }
     }
    }
   }
  },
  "/v1/profiles/{id}": {
   "get": {
    "summary": "A profile: traits, computed state, segments, RFM, consent",
    "tags": [
     "profiles"
    ],
    "operationId": "getProfile",
    "security": [
     {
      "adminKey": [
       "profiles:read"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "the profile",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Profile"
        }
       }
      }
     },
     "400": {
      "description": "not a profile reference",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope profiles:read; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such profile",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "Tailor's id (p_…), user:<userId>, email:<address> or anonymous:<id>",
      "required": true
     },
     {
      "name": "X-Tailor-Purpose",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "maxLength": 200
      },
      "description": "why the person's data is read; kept in their access log"
     }
    ]
   }
  },
  "/v1/profiles/{id}/events": {
   "get": {
    "summary": "A profile's events, newest first",
    "tags": [
     "profiles"
    ],
    "operationId": "getProfileEvents",
    "security": [
     {
      "adminKey": [
       "profiles:read"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "a page of events",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "400": {
      "description": "bad parameter",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope profiles:read; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such profile",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "Tailor's id (p_…), user:<userId>, email:<address> or anonymous:<id>",
      "required": true
     },
     {
      "name": "limit",
      "in": "query",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000
      },
      "required": false
     },
     {
      "name": "before",
      "in": "query",
      "schema": {
       "type": "string"
      },
      "description": "the cursor of the previous page",
      "required": false
     },
     {
      "name": "X-Tailor-Purpose",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "maxLength": 200
      },
      "description": "why the person's data is read; kept in their access log"
     }
    ]
   }
  },
  "/v1/profiles/{id}/recommendations": {
   "get": {
    "summary": "Products recommended for a profile",
    "tags": [
     "profiles"
    ],
    "operationId": "getRecommendations",
    "security": [
     {
      "adminKey": [
       "profiles:read"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "recommendations",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "400": {
      "description": "bad parameter",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope profiles:read; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such profile",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "no model trained yet",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "Tailor's id (p_…), user:<userId>, email:<address> or anonymous:<id>",
      "required": true
     },
     {
      "name": "count",
      "in": "query",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 100
      },
      "required": false
     }
    ]
   }
  },
  "/v1/profiles/{id}/consent": {
   "get": {
    "summary": "A profile's consent: current decisions and history",
    "tags": [
     "privacy"
    ],
    "operationId": "getConsent",
    "security": [
     {
      "adminKey": [
       "privacy"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "the ledger",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ConsentLedger"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope privacy; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such profile",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "Tailor's id (p_…), user:<userId>, email:<address> or anonymous:<id>",
      "required": true
     },
     {
      "name": "X-Tailor-Purpose",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "maxLength": 200
      },
      "description": "why the person's data is read; kept in their access log"
     }
    ]
   }
  },
  "/v1/consent": {
   "post": {
    "summary": "Record consent decisions",
    "tags": [
     "privacy"
    ],
    "operationId": "recordConsent",
    "security": [
     {
      "adminKey": [
       "privacy"
      ]
     }
    ],
    "responses": {
     "201": {
      "description": "recorded; the ledger after it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ConsentLedger"
        }
       }
      }
     },
     "400": {
      "description": "malformed entry; the path names the field",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope privacy; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such profile",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ConsentRequest"
       }
      }
     }
    }
   }
  },
  "/v1/segments": {
   "get": {
    "summary": "Segments with their sizes",
    "tags": [
     "segments"
    ],
    "operationId": "listSegments",
    "security": [
     {
      "adminKey": [
       "segments"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "segments",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope segments; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   },
   "post": {
    "summary": "Create a segment",
    "tags": [
     "segments"
    ],
    "operationId": "createSegment",
    "security": [
     {
      "adminKey": [
       "segments"
      ]
     }
    ],
    "responses": {
     "201": {
      "description": "created, with what evaluating it changed",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Segment"
        }
       }
      }
     },
     "400": {
      "description": "malformed condition",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope segments; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "exists",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "invalid segment",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/SegmentRequest"
       }
      }
     }
    }
   }
  },
  "/v1/segments/templates": {
   "get": {
    "summary": "The shipped segment templates",
    "tags": [
     "segments"
    ],
    "operationId": "segmentTemplates",
    "security": [
     {
      "adminKey": [
       "segments"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "templates",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope segments; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/v1/segments/audit": {
   "get": {
    "summary": "Sizes, overlaps, drift and warnings",
    "tags": [
     "segments"
    ],
    "operationId": "segmentAudit",
    "security": [
     {
      "adminKey": [
       "segments"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "the audit",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope segments; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/v1/segments/{id}": {
   "get": {
    "summary": "A segment",
    "tags": [
     "segments"
    ],
    "operationId": "getSegment",
    "security": [
     {
      "adminKey": [
       "segments"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "the segment",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Segment"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope segments; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such segment",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the segment's id or name",
      "required": true
     }
    ]
   },
   "put": {
    "summary": "Replace a segment's definition",
    "tags": [
     "segments"
    ],
    "operationId": "replaceSegment",
    "security": [
     {
      "adminKey": [
       "segments"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "replaced",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Segment"
        }
       }
      }
     },
     "400": {
      "description": "malformed condition",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope segments; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such segment",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "clash",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "invalid segment",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the segment's id or name",
      "required": true
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/SegmentRequest"
       }
      }
     }
    }
   },
   "delete": {
    "summary": "Delete a segment nothing refers to",
    "tags": [
     "segments"
    ],
    "operationId": "deleteSegment",
    "security": [
     {
      "adminKey": [
       "segments"
      ]
     }
    ],
    "responses": {
     "204": {
      "description": "deleted"
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope segments; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such segment",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "in use",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the segment's id or name",
      "required": true
     }
    ]
   }
  },
  "/v1/segments/{id}/members": {
   "get": {
    "summary": "Members (or ?count=true, or ?format=csv)",
    "tags": [
     "segments"
    ],
    "operationId": "segmentMembers",
    "security": [
     {
      "adminKey": [
       "segments"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "members",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "400": {
      "description": "a malformed parameter (pseudonymize is true or false); error.path names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope segments; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such segment",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "pseudonymize=true on a server without the key of pseudonyms",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the segment's id or name",
      "required": true
     },
     {
      "name": "limit",
      "in": "query",
      "schema": {
       "type": "integer"
      },
      "required": false
     },
     {
      "name": "after",
      "in": "query",
      "schema": {
       "type": "string"
      },
      "required": false
     },
     {
      "name": "count",
      "in": "query",
      "schema": {
       "type": "string"
      },
      "required": false
     },
     {
      "name": "format",
      "in": "query",
      "schema": {
       "type": "string"
      },
      "required": false
     },
     {
      "name": "pseudonymize",
      "in": "query",
      "schema": {
       "type": "string",
       "enum": [
        "true",
        "false"
       ]
      },
      "description": "with format=csv: one column, pseudonym (HMAC-SHA256 of the profile id under a key derived from the master key) instead of profile_id and user_id"
     }
    ]
   }
  },
  "/v1/segments/{id}/explain/{profile}": {
   "get": {
    "summary": "Why a profile is in a segment or not",
    "tags": [
     "segments"
    ],
    "operationId": "explainSegment",
    "security": [
     {
      "adminKey": [
       "segments"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "the explanation",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope segments; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such segment or profile",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the segment's id or name",
      "required": true
     },
     {
      "name": "profile",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "a profile reference",
      "required": true
     }
    ]
   }
  },
  "/v1/templates": {
   "get": {
    "summary": "Stored templates",
    "tags": [
     "campaigns"
    ],
    "operationId": "listTemplates",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "templates",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   },
   "post": {
    "summary": "Store a template (checked first)",
    "tags": [
     "campaigns"
    ],
    "operationId": "createTemplate",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "201": {
      "description": "stored",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Template"
        }
       }
      }
     },
     "400": {
      "description": "malformed body",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "the layout or a partial is not stored",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "exists",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "invalid: the path names the field, the message the line and column",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Template"
       }
      }
     }
    }
   }
  },
  "/v1/templates/{name}": {
   "get": {
    "summary": "A template",
    "tags": [
     "campaigns"
    ],
    "operationId": "getTemplate",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "the template",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Template"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such template",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the template's name",
      "required": true
     }
    ]
   },
   "patch": {
    "summary": "Change a template (checked again)",
    "tags": [
     "campaigns"
    ],
    "operationId": "updateTemplate",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "changed",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Template"
        }
       }
      }
     },
     "400": {
      "description": "malformed body",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such template",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "invalid",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the template's name",
      "required": true
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Template"
       }
      }
     }
    }
   },
   "delete": {
    "summary": "Delete a template nothing uses",
    "tags": [
     "campaigns"
    ],
    "operationId": "deleteTemplate",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "204": {
      "description": "deleted"
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such template",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "in use",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the template's name",
      "required": true
     }
    ]
   }
  },
  "/v1/templates/{name}/preview": {
   "get": {
    "summary": "Render an email for one profile",
    "tags": [
     "campaigns"
    ],
    "operationId": "previewTemplate",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "subject, preheader, text and html",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "400": {
      "description": "bad profile reference",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such template or profile",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "does not render for this profile",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the template's name",
      "required": true
     },
     {
      "name": "profile",
      "in": "query",
      "schema": {
       "type": "string"
      },
      "description": "a profile reference",
      "required": true
     },
     {
      "name": "X-Tailor-Purpose",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "maxLength": 200
      },
      "description": "why the person's data is read; kept in their access log"
     }
    ]
   }
  },
  "/v1/templates/{name}/check": {
   "get": {
    "summary": "The fallback report for a segment's members",
    "tags": [
     "campaigns"
    ],
    "operationId": "checkTemplate",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "recipients and missing variables",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "400": {
      "description": "segment missing",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such template or segment",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the template's name",
      "required": true
     },
     {
      "name": "segment",
      "in": "query",
      "schema": {
       "type": "string"
      },
      "required": true
     }
    ]
   }
  },
  "/v1/campaigns": {
   "get": {
    "summary": "Campaigns with their status",
    "tags": [
     "campaigns"
    ],
    "operationId": "listCampaigns",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "campaigns",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   },
   "post": {
    "summary": "Create a campaign",
    "tags": [
     "campaigns"
    ],
    "operationId": "createCampaign",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "201": {
      "description": "created",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CampaignStatus"
        }
       }
      }
     },
     "400": {
      "description": "malformed body",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "unknown template or segment",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "exists",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "invalid",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/CampaignRequest"
       }
      }
     }
    }
   }
  },
  "/v1/campaigns/{id}": {
   "get": {
    "summary": "A campaign's state and counts",
    "tags": [
     "campaigns"
    ],
    "operationId": "getCampaign",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "the status",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CampaignStatus"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such campaign",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the campaign's id or name",
      "required": true
     }
    ]
   }
  },
  "/v1/campaigns/{id}/send": {
   "post": {
    "summary": "Send a campaign",
    "tags": [
     "campaigns"
    ],
    "operationId": "sendCampaign",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "202": {
      "description": "started: the server renders, queues and delivers",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CampaignStatus"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such campaign",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "the current state forbids it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the campaign's id or name",
      "required": true
     }
    ]
   }
  },
  "/v1/campaigns/{id}/pause": {
   "post": {
    "summary": "Pause a campaign",
    "tags": [
     "campaigns"
    ],
    "operationId": "pauseCampaign",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "paused",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CampaignStatus"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such campaign",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "the current state forbids it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the campaign's id or name",
      "required": true
     }
    ]
   }
  },
  "/v1/campaigns/{id}/resume": {
   "post": {
    "summary": "Resume a campaign",
    "tags": [
     "campaigns"
    ],
    "operationId": "resumeCampaign",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "resumed",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CampaignStatus"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such campaign",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "the current state forbids it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the campaign's id or name",
      "required": true
     }
    ]
   }
  },
  "/v1/campaigns/{id}/cancel": {
   "post": {
    "summary": "Cancel a campaign",
    "tags": [
     "campaigns"
    ],
    "operationId": "cancelCampaign",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "cancelled",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CampaignStatus"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such campaign",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "the current state forbids it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the campaign's id or name",
      "required": true
     }
    ]
   }
  },
  "/v1/campaigns/{id}/decide": {
   "post": {
    "summary": "Check a campaign's experiment and decide it when due, or decide by hand",
    "tags": [
     "campaigns"
    ],
    "operationId": "decideCampaignExperiment",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "the campaign's status with its experiment's state",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CampaignStatus"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such campaign",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "not started, or decided already (with another winner)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "no test phase, or no such variant",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the campaign's id or name",
      "required": true
     }
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "winner": {
          "type": "string",
          "description": "decide by hand: this variant goes to the rest"
         }
        }
       }
      }
     }
    }
   }
  },
  "/v1/journeys": {
   "get": {
    "summary": "Journeys with their runs counted",
    "tags": [
     "journeys"
    ],
    "operationId": "listJourneys",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "journeys",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   },
   "post": {
    "summary": "Create a journey from a definition or a seed template",
    "tags": [
     "journeys"
    ],
    "operationId": "createJourney",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "201": {
      "description": "created",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/JourneyStatus"
        }
       }
      }
     },
     "400": {
      "description": "malformed body",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "unknown email template or seed journey",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "exists",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "invalid definition (the path names the place)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/JourneyRequest"
       }
      }
     }
    }
   }
  },
  "/v1/journeys/{id}": {
   "get": {
    "summary": "A journey's definition and its runs counted per step",
    "tags": [
     "journeys"
    ],
    "operationId": "getJourney",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "the journey",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/JourneyStatus"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such journey",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the journey's id or name",
      "required": true
     }
    ]
   }
  },
  "/v1/journeys/{id}/pause": {
   "post": {
    "summary": "Pause a journey",
    "tags": [
     "journeys"
    ],
    "operationId": "pauseJourney",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "the journey",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/JourneyStatus"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such journey",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "the journey is archived",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the journey's id or name",
      "required": true
     }
    ]
   }
  },
  "/v1/journeys/{id}/resume": {
   "post": {
    "summary": "Resume a journey",
    "tags": [
     "journeys"
    ],
    "operationId": "resumeJourney",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "the journey",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/JourneyStatus"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such journey",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "the journey is archived",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the journey's id or name",
      "required": true
     }
    ]
   }
  },
  "/v1/journeys/{id}/archive": {
   "post": {
    "summary": "Archive a journey and end its runs",
    "tags": [
     "journeys"
    ],
    "operationId": "archiveJourney",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "the journey",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/JourneyStatus"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such journey",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "the journey is archived",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the journey's id or name",
      "required": true
     }
    ]
   }
  },
  "/v1/privacy/export/{id}": {
   "get": {
    "summary": "Everything Tailor holds about a person, as one JSON document",
    "tags": [
     "privacy"
    ],
    "operationId": "exportPerson",
    "security": [
     {
      "adminKey": [
       "privacy"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "the export: profile, events, segment_history, consent_history, journeys, messages, access_log",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "profile",
          "events",
          "consent_history"
         ],
         "properties": {
          "exported_at": {
           "type": "string",
           "format": "date-time"
          },
          "profile": {
           "type": "object"
          },
          "events": {
           "type": "array",
           "items": {
            "type": "object"
           }
          },
          "segment_history": {
           "type": "array",
           "items": {
            "type": "object"
           }
          },
          "consent_history": {
           "type": "array",
           "items": {
            "type": "object"
           }
          },
          "journeys": {
           "type": "array",
           "items": {
            "type": "object"
           }
          },
          "messages": {
           "type": "array",
           "items": {
            "type": "object"
           }
          },
          "access_log": {
           "type": "array",
           "items": {
            "type": "object",
            "required": [
             "profile_id",
             "at",
             "actor",
             "action"
            ],
            "properties": {
             "profile_id": {
              "type": "string"
             },
             "at": {
              "type": "string",
              "format": "date-time"
             },
             "actor": {
              "type": "string",
              "description": "admin_key, dashboard:<user>, cli:<system user>"
             },
             "action": {
              "type": "string",
              "description": "the route pattern or the command"
             },
             "purpose": {
              "type": [
               "string",
               "null"
              ]
             }
            }
           }
          }
         }
        }
       }
      }
     },
     "400": {
      "description": "malformed profile reference",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope privacy; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such profile",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the person: p_…, user:ID, email:ADDRESS or anonymous:ID",
      "required": true
     },
     {
      "name": "X-Tailor-Purpose",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "maxLength": 200
      },
      "description": "why the person's data is read; kept in their access log"
     }
    ]
   }
  },
  "/v1/campaigns/{id}/schedule": {
   "post": {
    "summary": "Schedule a campaign",
    "tags": [
     "campaigns"
    ],
    "operationId": "scheduleCampaign",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "scheduled",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CampaignStatus"
        }
       }
      }
     },
     "400": {
      "description": "bad time",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such campaign",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "409": {
      "description": "the current state forbids it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the campaign's id or name",
      "required": true
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [
         "at"
        ],
        "properties": {
         "at": {
          "type": "string",
          "format": "date-time"
         }
        }
       }
      }
     }
    }
   }
  },
  "/v1/reports/campaigns/{id}": {
   "get": {
    "summary": "What a campaign earned",
    "tags": [
     "reports"
    ],
    "operationId": "campaignReport",
    "security": [
     {
      "adminKey": [
       "reports"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "the report",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CampaignReport"
        }
       }
      }
     },
     "400": {
      "description": "bad window or by",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope reports; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such campaign",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "by=variant for a campaign without variants",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the campaign's id or name",
      "required": true
     },
     {
      "name": "window",
      "in": "query",
      "schema": {
       "type": "string"
      },
      "description": "attribution window: 90s, 30m, 12h, 5d, 2w",
      "required": false
     },
     {
      "name": "opens",
      "in": "query",
      "schema": {
       "type": "string"
      },
      "description": "true: opens count as touches",
      "required": false
     },
     {
      "name": "by",
      "in": "query",
      "schema": {
       "type": "string",
       "enum": [
        "variant",
        "segment"
       ]
      },
      "description": "the same figures by variant (with the lift against the holdout) or by segment",
      "required": false
     }
    ]
   }
  },
  "/v1/reports/overview": {
   "get": {
    "summary": "The shop over a range of days: totals and a daily series",
    "tags": [
     "reports"
    ],
    "operationId": "overviewReport",
    "security": [
     {
      "adminKey": [
       "reports"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "the overview",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/OverviewReport"
        }
       }
      }
     },
     "400": {
      "description": "from or to missing or not a date, to before from, more than 366 days, or a bad window",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope reports; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "from",
      "in": "query",
      "schema": {
       "type": "string",
       "format": "date"
      },
      "description": "the first day (YYYY-MM-DD), on the clock of TAILOR_TIMEZONE",
      "required": true
     },
     {
      "name": "to",
      "in": "query",
      "schema": {
       "type": "string",
       "format": "date"
      },
      "description": "the last day, included",
      "required": true
     },
     {
      "name": "window",
      "in": "query",
      "schema": {
       "type": "string"
      },
      "description": "attribution window: 90s, 30m, 12h, 5d, 2w",
      "required": false
     },
     {
      "name": "opens",
      "in": "query",
      "schema": {
       "type": "string"
      },
      "description": "true: opens count as touches",
      "required": false
     }
    ]
   }
  },
  "/t/o/{token}": {
   "get": {
    "summary": "Open pixel",
    "tags": [
     "mail links"
    ],
    "operationId": "openPixel",
    "security": [],
    "parameters": [
     {
      "name": "token",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "a signed tracking token",
      "required": true
     }
    ],
    "responses": {
     "200": {
      "description": "a 1×1 GIF",
      "content": {
       "image/gif": {
        "schema": {
         "type": "string",
         "format": "binary"
        }
       }
      }
     },
     "400": {
      "description": "bad token",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/t/c/{token}": {
   "get": {
    "summary": "Click redirect",
    "tags": [
     "mail links"
    ],
    "operationId": "clickRedirect",
    "security": [],
    "parameters": [
     {
      "name": "token",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "a signed tracking token",
      "required": true
     },
     {
      "name": "u",
      "in": "query",
      "schema": {
       "type": "string"
      },
      "description": "the target URL (signed)",
      "required": true
     }
    ],
    "responses": {
     "302": {
      "description": "to the target"
     },
     "400": {
      "description": "bad token or target",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/t/u/{token}": {
   "get": {
    "summary": "Preference page",
    "tags": [
     "mail links"
    ],
    "operationId": "preferencePage",
    "security": [],
    "parameters": [
     {
      "name": "token",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "a signed tracking token",
      "required": true
     }
    ],
    "responses": {
     "200": {
      "description": "an HTML page",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "bad token"
     }
    }
   },
   "post": {
    "summary": "One-click unsubscribe (RFC 8058), or the preference page's form",
    "tags": [
     "mail links"
    ],
    "operationId": "unsubscribe",
    "security": [],
    "parameters": [
     {
      "name": "token",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "a signed tracking token",
      "required": true
     }
    ],
    "responses": {
     "200": {
      "description": "done"
     },
     "400": {
      "description": "bad token"
     }
    }
   }
  },
  "/t/v/{token}": {
   "get": {
    "summary": "A campaign's email in a browser (view_in_browser_url)",
    "tags": [
     "mail links"
    ],
    "operationId": "webVersion",
    "security": [],
    "parameters": [
     {
      "name": "token",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "a signed tracking token",
      "required": true
     }
    ],
    "responses": {
     "200": {
      "description": "the email's HTML",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "bad token",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "the campaign or the profile is gone",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/v1/privacy/erase/{id}": {
   "post": {
    "summary": "Erase everything Tailor holds about a person; answer the erasure receipt (the same receipt when erased before)",
    "tags": [
     "privacy"
    ],
    "operationId": "erasePerson",
    "security": [
     {
      "adminKey": [
       "privacy"
      ]
     }
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the person: p_…, user:ID, email:ADDRESS or anonymous:ID",
      "required": true
     },
     {
      "name": "X-Tailor-Purpose",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "maxLength": 200
      },
      "description": "why the person's data is read; kept in their access log"
     }
    ],
    "responses": {
     "200": {
      "description": "the erasure receipt: counts per kind removed, what is kept, how the freed space was reclaimed; no personal data",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "erasure_id",
          "profile_id",
          "erased_at",
          "removed",
          "kept",
          "storage"
         ],
         "properties": {
          "erasure_id": {
           "type": "string"
          },
          "profile_id": {
           "type": "string"
          },
          "erased_at": {
           "type": "string",
           "format": "date-time"
          },
          "removed": {
           "type": "object",
           "description": "rows removed, by kind",
           "additionalProperties": {
            "type": "integer"
           }
          },
          "kept": {
           "type": "object",
           "properties": {
            "suppressed_addresses": {
             "type": "integer"
            },
            "tombstones": {
             "type": "integer"
            }
           }
          },
          "storage": {
           "type": "object",
           "properties": {
            "backend": {
             "type": "string",
             "enum": [
              "sqlite",
              "postgresql"
             ]
            },
            "reclaim": {
             "type": [
              "string",
              "null"
             ]
            },
            "reclaimed_at": {
             "type": [
              "string",
              "null"
             ],
             "format": "date-time"
            },
            "pending": {
             "type": "string"
            }
           }
          }
         }
        }
       }
      }
     },
     "400": {
      "description": "malformed profile reference, or a purpose Tailor does not keep",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope privacy; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such profile",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/v1/privacy/access-log/{id}": {
   "get": {
    "summary": "Who read a person's data: when, who, through what, and why (an erased person's log too)",
    "tags": [
     "privacy"
    ],
    "operationId": "personAccessLog",
    "security": [
     {
      "adminKey": [
       "privacy"
      ]
     }
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the person: p_…, user:ID, email:ADDRESS or anonymous:ID",
      "required": true
     }
    ],
    "responses": {
     "200": {
      "description": "the entries, oldest first",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "profile_id",
          "entries"
         ],
         "properties": {
          "profile_id": {
           "type": "string"
          },
          "entries": {
           "type": "array",
           "items": {
            "type": "object",
            "required": [
             "profile_id",
             "at",
             "actor",
             "action"
            ],
            "properties": {
             "profile_id": {
              "type": "string"
             },
             "at": {
              "type": "string",
              "format": "date-time"
             },
             "actor": {
              "type": "string",
              "description": "admin_key, dashboard:<user>, cli:<system user>"
             },
             "action": {
              "type": "string",
              "description": "the route pattern or the command"
             },
             "purpose": {
              "type": [
               "string",
               "null"
              ]
             }
            }
           }
          }
         }
        }
       }
      }
     },
     "400": {
      "description": "malformed profile reference, or a purpose Tailor does not keep",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope privacy; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such profile",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/v1/profiles/{id}/traits": {
   "patch": {
    "summary": "Rectify a person's traits: recorded as an identify on their profile; answers the profile",
    "tags": [
     "privacy"
    ],
    "operationId": "rectifyTraits",
    "security": [
     {
      "adminKey": [
       "profiles:write"
      ]
     }
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the person: p_…, user:ID, email:ADDRESS or anonymous:ID",
      "required": true
     },
     {
      "name": "X-Tailor-Purpose",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "maxLength": 200
      },
      "description": "why the person's data is read; kept in their access log"
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [
         "traits"
        ],
        "properties": {
         "traits": {
          "type": "object",
          "description": "the traits to set; null clears one; consent is not a trait (POST /v1/consent)"
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "the profile after the change, as GET /v1/profiles/{id}",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "400": {
      "description": "malformed profile reference or body (traits is not an object)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope profiles:write; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such profile",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "a trait that cannot be rectified, named in error.path",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   }
  },
  "/v1/webhooks": {
   "get": {
    "summary": "Webhook subscriptions (without their secrets)",
    "tags": [
     "webhooks"
    ],
    "operationId": "listWebhooks",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "webhooks",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "webhooks"
         ],
         "properties": {
          "webhooks": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/Webhook"
           }
          }
         }
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    }
   },
   "post": {
    "summary": "Subscribe a URL to events: signed POSTs, retried until answered 2xx",
    "tags": [
     "webhooks"
    ],
    "operationId": "createWebhook",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "201": {
      "description": "created",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Webhook"
        }
       }
      }
     },
     "400": {
      "description": "malformed body or invalid field (the path names it: url, events, segment, secret)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "unknown segment",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/WebhookRequest"
       }
      }
     }
    }
   }
  },
  "/v1/webhooks/{id}": {
   "delete": {
    "summary": "Delete a webhook and the calls it still had to make",
    "tags": [
     "webhooks"
    ],
    "operationId": "deleteWebhook",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "204": {
      "description": "deleted"
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such webhook",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the webhook's id (wh_…)",
      "required": true
     }
    ]
   }
  },
  "/v1/webhooks/{id}/calls": {
   "get": {
    "summary": "A webhook's delivery log, newest first",
    "tags": [
     "webhooks"
    ],
    "operationId": "listWebhookCalls",
    "security": [
     {
      "adminKey": [
       "campaigns"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "calls",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "calls"
         ],
         "properties": {
          "calls": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/WebhookCall"
           }
          }
         }
        }
       }
      }
     },
     "400": {
      "description": "bad limit",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "401": {
      "description": "missing, unknown or revoked key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "the key lacks the scope campaigns; the body's scope names it",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "404": {
      "description": "no such webhook",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "description": "too many failed authentications from this address; see Retry-After",
      "headers": {
       "Retry-After": {
        "description": "seconds to wait",
        "schema": {
         "type": "integer",
         "minimum": 1
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     }
    },
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "the webhook's id (wh_…)",
      "required": true
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000,
       "default": 100
      },
      "description": "how many calls"
     }
    ]
   }
  },
  "/c/{token}": {
   "get": {
    "summary": "Double opt-in confirmation page (one button; records nothing)",
    "tags": [
     "mail links"
    ],
    "operationId": "confirmationPage",
    "security": [],
    "parameters": [
     {
      "name": "token",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "a signed double opt-in confirmation token",
      "required": true
     }
    ],
    "responses": {
     "200": {
      "description": "an HTML page asking the person to confirm",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "a forged or malformed link: an HTML page that says so",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "410": {
      "description": "an expired link: an HTML page that says so",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     }
    }
   },
   "post": {
    "summary": "Confirm a pending email_marketing grant (double opt-in)",
    "tags": [
     "mail links"
    ],
    "operationId": "confirmSubscription",
    "security": [],
    "parameters": [
     {
      "name": "token",
      "in": "path",
      "schema": {
       "type": "string"
      },
      "description": "a signed double opt-in confirmation token",
      "required": true
     }
    ],
    "responses": {
     "200": {
      "description": "confirmed, confirmed already, or nothing to confirm any more: an HTML page",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "a forged or malformed link: an HTML page that says so",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "410": {
      "description": "an expired link: an HTML page that says so",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     }
    }
   }
  }
 },
 "components": {
  "schemas": {
   "Error": {
    "type": "object",
    "required": [
     "success",
     "code",
     "message",
     "error"
    ],
    "properties": {
     "success": {
      "type": "boolean",
      "const": false
     },
     "code": {
      "type": "string"
     },
     "message": {
      "type": "string"
     },
     "error": {
      "type": "object",
      "required": [
       "code",
       "message"
      ],
      "properties": {
       "code": {
        "type": "string"
       },
       "message": {
        "type": "string"
       },
       "path": {
        "type": "string"
       },
       "index": {
        "type": "integer"
       },
       "scope": {
        "type": "string"
       }
      }
     },
     "scope": {
      "type": "string",
      "description": "the scope the key lacks (403 from the admin API)"
     }
    }
   },
   "Success": {
    "type": "object",
    "properties": {
     "success": {
      "type": "boolean"
     }
    }
   },
   "Message": {
    "type": "object",
    "description": "A Segment message: userId or anonymousId, and the fields of its type (event, properties, traits, name, groupId, previousId), timestamp, messageId, context.",
    "properties": {
     "userId": {
      "type": "string"
     },
     "anonymousId": {
      "type": "string"
     },
     "event": {
      "type": "string"
     },
     "properties": {
      "type": "object"
     },
     "traits": {
      "type": "object"
     },
     "context": {
      "type": "object"
     },
     "timestamp": {
      "type": "string"
     },
     "messageId": {
      "type": "string"
     },
     "writeKey": {
      "type": "string"
     }
    }
   },
   "Batch": {
    "type": "object",
    "required": [
     "batch"
    ],
    "properties": {
     "batch": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Message"
      }
     },
     "writeKey": {
      "type": "string"
     },
     "context": {
      "type": "object"
     }
    }
   },
   "Profile": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "traits": {
      "type": "object"
     },
     "computed": {
      "type": "object"
     },
     "identities": {
      "type": "object"
     },
     "segments": {
      "type": "array",
      "items": {
       "type": "object",
       "properties": {
        "id": {
         "type": "string"
        },
        "name": {
         "type": [
          "string",
          "null"
         ]
        },
        "since": {
         "type": [
          "string",
          "null"
         ]
        }
       }
      }
     },
     "rfm": {
      "type": [
       "object",
       "null"
      ]
     },
     "consent": {
      "type": "object"
     }
    }
   },
   "SegmentRequest": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "description": {
      "type": "string"
     },
     "where": {
      "description": "the condition: text form (a string) or JSON form"
     },
     "from_template": {
      "type": "string"
     }
    }
   },
   "Segment": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "name": {
      "type": "string"
     },
     "where": {
      "type": "object"
     },
     "text": {
      "type": "string"
     },
     "size": {
      "type": "integer"
     }
    }
   },
   "Template": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "kind": {
      "type": "string",
      "enum": [
       "email",
       "layout",
       "partial"
      ]
     },
     "subject": {
      "type": "string"
     },
     "preheader": {
      "type": "string"
     },
     "html": {
      "type": "string"
     },
     "text": {
      "type": [
       "string",
       "null"
      ]
     },
     "layout": {
      "type": [
       "string",
       "null"
      ]
     },
     "from": {
      "type": [
       "string",
       "null"
      ]
     },
     "recommendations": {
      "type": "integer",
      "minimum": 0,
      "maximum": 50
     }
    }
   },
   "CampaignRequest": {
    "type": "object",
    "required": [
     "name",
     "template",
     "segments"
    ],
    "properties": {
     "name": {
      "type": "string"
     },
     "template": {
      "type": "string"
     },
     "segments": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "exclude": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "at": {
      "type": "string",
      "format": "date-time"
     },
     "rate": {
      "type": "integer",
      "minimum": 1
     },
     "send_time": {
      "type": "string",
      "enum": [
       "now",
       "optimal"
      ]
     },
     "transactional": {
      "type": "boolean"
     },
     "experiment": {
      "$ref": "#/components/schemas/CampaignExperiment"
     }
    }
   },
   "CampaignStatus": {
    "type": "object",
    "required": [
     "id",
     "state",
     "audience",
     "queued",
     "sent",
     "failed",
     "skipped"
    ],
    "properties": {
     "id": {
      "type": "string"
     },
     "name": {
      "type": "string"
     },
     "state": {
      "type": "string",
      "enum": [
       "draft",
       "scheduled",
       "sending",
       "paused",
       "sent",
       "cancelled"
      ]
     },
     "audience": {
      "type": "integer"
     },
     "pending": {
      "type": "integer"
     },
     "queued": {
      "type": "integer"
     },
     "sent": {
      "type": "integer"
     },
     "failed": {
      "type": "integer"
     },
     "skipped": {
      "type": "object",
      "additionalProperties": {
       "type": "integer"
      }
     },
     "experiment": {
      "type": "object",
      "description": "the design, the assignment counts and the experiment's state",
      "properties": {
       "variants": {
        "type": "array",
        "items": {
         "$ref": "#/components/schemas/CampaignVariant"
        }
       },
       "holdout": {
        "type": "number",
        "minimum": 0,
        "maximum": 0.9,
        "description": "the share of the audience held out"
       },
       "test": {
        "type": "object",
        "required": [
         "share",
         "duration"
        ],
        "properties": {
         "share": {
          "type": "number",
          "description": "the share of the audience tested first, in (0, 1)"
         },
         "duration": {
          "type": "string",
          "description": "how long the test runs: 90m, 24h, 3d"
         },
         "metric": {
          "type": "string",
          "enum": [
           "clicks",
           "conversions",
           "revenue",
           "opens"
          ]
         },
         "at_end": {
          "type": "string",
          "enum": [
           "best",
           "stop"
          ]
         },
         "alpha": {
          "type": "number"
         }
        }
       },
       "assignment": {
        "type": "object",
        "description": "recipients per variant (holdout and waiting included) and status",
        "additionalProperties": {
         "type": "object",
         "additionalProperties": {
          "type": "integer"
         }
        }
       },
       "state": {
        "type": "string",
        "enum": [
         "none",
         "testing",
         "blocked",
         "decided",
         "stopped"
        ]
       },
       "winner": {
        "type": [
         "string",
         "null"
        ]
       },
       "checked_at": {
        "type": [
         "string",
         "null"
        ],
        "format": "date-time"
       },
       "decided_at": {
        "type": [
         "string",
         "null"
        ],
        "format": "date-time"
       },
       "analysis": {
        "type": [
         "object",
         "null"
        ],
        "description": "the statistics of the last check or the decision, with their inputs: metric, alpha, arms, comparisons (always-valid p-values, Holm-adjusted, confidence sequences), srm, leader, reason"
       }
      }
     }
    }
   },
   "ConsentEntry": {
    "type": "object",
    "required": [
     "purpose",
     "status"
    ],
    "properties": {
     "purpose": {
      "type": "string",
      "enum": [
       "email_marketing",
       "personalization",
       "analytics"
      ]
     },
     "status": {
      "type": "string",
      "enum": [
       "granted",
       "denied",
       "withdrawn"
      ]
     },
     "at": {
      "type": "string",
      "format": "date-time"
     },
     "source": {
      "type": "string",
      "enum": [
       "api",
       "import",
       "preference_page",
       "double_opt_in"
      ]
     },
     "lawful_basis": {
      "type": "string"
     },
     "expires_at": {
      "type": [
       "string",
       "null"
      ]
     },
     "proof": {
      "type": "object"
     }
    }
   },
   "ConsentRequest": {
    "type": "object",
    "required": [
     "profile"
    ],
    "properties": {
     "profile": {
      "type": "string"
     },
     "entries": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/ConsentEntry"
      }
     },
     "purpose": {
      "type": "string"
     },
     "status": {
      "type": "string"
     }
    }
   },
   "ConsentLedger": {
    "type": "object",
    "properties": {
     "profile_id": {
      "type": "string"
     },
     "current": {
      "type": "object",
      "additionalProperties": {
       "$ref": "#/components/schemas/ConsentEntry"
      }
     },
     "history": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/ConsentEntry"
      }
     },
     "email_marketing": {
      "type": "object",
      "description": "what the email_marketing policy makes of the ledger for this person",
      "properties": {
       "policy": {
        "type": "string",
        "enum": [
         "opt-out",
         "opt-in",
         "double-opt-in"
        ],
        "description": "TAILOR_EMAIL_CONSENT, or their country's"
       },
       "allowed": {
        "type": "boolean",
        "description": "marketing email may be sent now"
       },
       "pending_confirmation": {
        "type": "boolean",
        "description": "a grant waits for its double opt-in confirmation"
       }
      },
      "required": [
       "policy",
       "allowed",
       "pending_confirmation"
      ]
     }
    }
   },
   "CampaignReport": {
    "type": "object",
    "required": [
     "recipients",
     "sent",
     "delivered",
     "bounced",
     "unique_opens",
     "machine_opens",
     "unique_clicks",
     "unsubscribes",
     "conversions",
     "revenue",
     "revenue_per_recipient"
    ],
    "properties": {
     "recipients": {
      "type": "number"
     },
     "sent": {
      "type": "number"
     },
     "delivered": {
      "type": "number"
     },
     "bounced": {
      "type": "number"
     },
     "unique_opens": {
      "type": "number"
     },
     "machine_opens": {
      "type": "number"
     },
     "unique_clicks": {
      "type": "number"
     },
     "bot_clicks": {
      "type": "number"
     },
     "unsubscribes": {
      "type": "number"
     },
     "conversions": {
      "type": "number"
     },
     "revenue": {
      "type": "number"
     },
     "revenue_per_recipient": {
      "type": "number"
     },
     "click_through_rate": {
      "type": "number"
     },
     "click_to_open_rate": {
      "type": "number"
     },
     "variants": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/CampaignReportGroup"
      }
     },
     "segments": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/CampaignReportGroup"
      }
     }
    }
   },
   "JourneyRequest": {
    "type": "object",
    "required": [
     "name"
    ],
    "properties": {
     "name": {
      "type": "string"
     },
     "definition": {
      "type": "object",
      "description": "the journey's definition (docs/JOURNEYS.md); or from_template"
     },
     "from_template": {
      "type": "string",
      "enum": [
       "abandoned-cart",
       "welcome",
       "post-purchase"
      ]
     },
     "params": {
      "type": "object",
      "additionalProperties": {
       "type": "string"
      }
     }
    }
   },
   "JourneyStatus": {
    "type": "object",
    "required": [
     "id",
     "name",
     "state",
     "definition",
     "counts"
    ],
    "properties": {
     "id": {
      "type": "string"
     },
     "name": {
      "type": "string"
     },
     "state": {
      "type": "string",
      "enum": [
       "active",
       "paused",
       "archived"
      ]
     },
     "definition": {
      "type": "object"
     },
     "counts": {
      "type": "object",
      "properties": {
       "waiting_at_step": {
        "type": "array",
        "items": {
         "type": "integer"
        }
       },
       "completed": {
        "type": "integer"
       },
       "exited": {
        "type": "object",
        "additionalProperties": {
         "type": "integer"
        }
       }
      }
     }
    }
   },
   "CampaignVariant": {
    "type": "object",
    "required": [
     "name"
    ],
    "properties": {
     "name": {
      "type": "string",
      "description": "letters, digits, '-' and '_'; not 'holdout'"
     },
     "weight": {
      "type": "number",
      "description": "relative weight (default 1)"
     },
     "subject": {
      "type": "string",
      "description": "Liquid; replaces the template's subject"
     },
     "preheader": {
      "type": "string",
      "description": "Liquid; replaces the template's preheader"
     },
     "template": {
      "type": "string",
      "description": "another stored email template"
     },
     "send_at": {
      "type": "string",
      "format": "date-time",
      "description": "not sent before this time"
     },
     "send_time": {
      "type": "string",
      "enum": [
       "now",
       "optimal"
      ]
     }
    }
   },
   "CampaignExperiment": {
    "type": "object",
    "description": "variants, a holdout that gets nothing, and a test phase whose winner goes to the rest (docs/EXPERIMENTS.md)",
    "properties": {
     "variants": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/CampaignVariant"
      }
     },
     "holdout": {
      "type": "number",
      "minimum": 0,
      "maximum": 0.9,
      "description": "the share of the audience held out"
     },
     "test": {
      "type": "object",
      "required": [
       "share",
       "duration"
      ],
      "properties": {
       "share": {
        "type": "number",
        "description": "the share of the audience tested first, in (0, 1)"
       },
       "duration": {
        "type": "string",
        "description": "how long the test runs: 90m, 24h, 3d"
       },
       "metric": {
        "type": "string",
        "enum": [
         "clicks",
         "conversions",
         "revenue",
         "opens"
        ]
       },
       "at_end": {
        "type": "string",
        "enum": [
         "best",
         "stop"
        ]
       },
       "alpha": {
        "type": "number"
       }
      }
     }
    }
   },
   "CampaignReportGroup": {
    "type": "object",
    "required": [
     "recipients",
     "sent",
     "delivered",
     "bounced",
     "unique_opens",
     "machine_opens",
     "unique_clicks",
     "unsubscribes",
     "conversions",
     "revenue",
     "revenue_per_recipient"
    ],
    "properties": {
     "recipients": {
      "type": "number"
     },
     "sent": {
      "type": "number"
     },
     "delivered": {
      "type": "number"
     },
     "bounced": {
      "type": "number"
     },
     "unique_opens": {
      "type": "number"
     },
     "machine_opens": {
      "type": "number"
     },
     "unique_clicks": {
      "type": "number"
     },
     "bot_clicks": {
      "type": "number"
     },
     "unsubscribes": {
      "type": "number"
     },
     "conversions": {
      "type": "number"
     },
     "revenue": {
      "type": "number"
     },
     "revenue_per_recipient": {
      "type": "number"
     },
     "click_through_rate": {
      "type": "number"
     },
     "click_to_open_rate": {
      "type": "number"
     },
     "variant": {
      "type": "string"
     },
     "segment": {
      "type": "string"
     },
     "converted_recipients": {
      "type": "number",
      "description": "recipients who ordered within the window after being recorded (with a holdout)"
     },
     "conversion_rate": {
      "type": "number"
     },
     "lift": {
      "type": "object",
      "description": "against the holdout: the difference of conversion rates with Newcombe's interval",
      "properties": {
       "difference": {
        "type": "number"
       },
       "ci_low": {
        "type": "number"
       },
       "ci_high": {
        "type": "number"
       },
       "p_value": {
        "type": "number"
       },
       "relative": {
        "type": [
         "number",
         "null"
        ]
       }
      }
     }
    }
   },
   "WebhookRequest": {
    "type": "object",
    "required": [
     "url",
     "events",
     "secret"
    ],
    "properties": {
     "url": {
      "type": "string",
      "format": "uri",
      "maxLength": 2048,
      "description": "the receiver, http or https"
     },
     "events": {
      "type": "array",
      "minItems": 1,
      "items": {
       "type": "string",
       "minLength": 1,
       "maxLength": 200
      },
      "description": "event names, like Segment Entered or Email Opened"
     },
     "segment": {
      "type": [
       "string",
       "null"
      ],
      "description": "only this segment's entries and exits (with Segment Entered / Segment Exited only)"
     },
     "secret": {
      "type": "string",
      "minLength": 16,
      "maxLength": 256,
      "description": "the HMAC-SHA256 key of X-Tailor-Signature; never shown again"
     }
    }
   },
   "Webhook": {
    "type": "object",
    "required": [
     "id",
     "url",
     "events",
     "segment",
     "created_at"
    ],
    "properties": {
     "id": {
      "type": "string"
     },
     "url": {
      "type": "string"
     },
     "events": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "segment": {
      "type": [
       "string",
       "null"
      ]
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     }
    }
   },
   "WebhookCall": {
    "type": "object",
    "required": [
     "id",
     "call_id",
     "webhook_id",
     "journey_id",
     "url",
     "state",
     "attempts",
     "last_status",
     "last_error",
     "next_attempt_at",
     "created_at",
     "updated_at"
    ],
    "properties": {
     "id": {
      "type": "integer"
     },
     "call_id": {
      "type": "string",
      "description": "sent as X-Tailor-Webhook-Id; the same on every attempt"
     },
     "webhook_id": {
      "type": [
       "string",
       "null"
      ]
     },
     "journey_id": {
      "type": [
       "string",
       "null"
      ]
     },
     "url": {
      "type": "string"
     },
     "state": {
      "type": "string",
      "enum": [
       "pending",
       "delivered",
       "failed"
      ]
     },
     "attempts": {
      "type": "integer",
      "minimum": 0
     },
     "last_status": {
      "type": [
       "integer",
       "null"
      ],
      "description": "the receiver's last HTTP status"
     },
     "last_error": {
      "type": [
       "string",
       "null"
      ],
      "description": "why the last attempt failed (HTTP 500, timed out, could not connect)"
     },
     "next_attempt_at": {
      "type": [
       "string",
       "null"
      ],
      "format": "date-time"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "updated_at": {
      "type": "string",
      "format": "date-time"
     }
    }
   },
   "OverviewReport": {
    "type": "object",
    "description": "totals over the range (docs/REPORTS.md, \"The overview\"), then each day",
    "properties": {
     "from": {
      "type": "string",
      "format": "date"
     },
     "to": {
      "type": "string",
      "format": "date"
     },
     "time_zone": {
      "type": "string"
     },
     "window_days": {
      "type": "number"
     },
     "opens_count": {
      "type": "boolean"
     },
     "new_profiles": {
      "type": "number"
     },
     "events": {
      "type": "number"
     },
     "emails_sent": {
      "type": "number"
     },
     "unique_opens": {
      "type": "number"
     },
     "machine_opens": {
      "type": "number"
     },
     "unique_clicks": {
      "type": "number"
     },
     "bot_clicks": {
      "type": "number"
     },
     "conversions": {
      "type": "number"
     },
     "revenue": {
      "type": "number"
     },
     "daily": {
      "type": "array",
      "items": {
       "type": "object",
       "properties": {
        "date": {
         "type": "string",
         "format": "date"
        },
        "new_profiles": {
         "type": "number"
        },
        "events": {
         "type": "number"
        },
        "emails_sent": {
         "type": "number"
        },
        "unique_opens": {
         "type": "number"
        },
        "machine_opens": {
         "type": "number"
        },
        "unique_clicks": {
         "type": "number"
        },
        "bot_clicks": {
         "type": "number"
        },
        "conversions": {
         "type": "number"
        },
        "revenue": {
         "type": "number"
        }
       },
       "required": [
        "date",
        "new_profiles",
        "events",
        "emails_sent",
        "unique_opens",
        "machine_opens",
        "unique_clicks",
        "bot_clicks",
        "conversions",
        "revenue"
       ]
      }
     }
    },
    "required": [
     "from",
     "to",
     "time_zone",
     "new_profiles",
     "events",
     "emails_sent",
     "unique_opens",
     "machine_opens",
     "unique_clicks",
     "bot_clicks",
     "conversions",
     "revenue",
     "daily"
    ]
   }
  },
  "securitySchemes": {
   "writeKey": {
    "type": "http",
    "scheme": "basic",
    "description": "the write key as the Basic-auth user (or writeKey in the body)"
   },
   "adminKey": {
    "type": "http",
    "scheme": "bearer",
    "description": "a secret key as the bearer token: the admin key given to `tailor serve` (every scope), or a named key made with `tailor keys create` holding some of the scopes profiles:read, profiles:write, segments, campaigns (templates, journeys and webhooks too), privacy (consent too) and reports. Each operation lists the scope it needs; a valid key without it gets 403. After 20 failed authentications within a minute from one address, requests from it get 429 with Retry-After until that minute ends (docs/SECURITY.md)."
   }
  }
 }
}
"""#
}
