"""Marketing insights dashboard from a checkout: `streamlit run app.py`.

The router is insights/ui/app.py, the script `insights app` runs from an installed package.
"""

from insights.ui.app import main

main()
